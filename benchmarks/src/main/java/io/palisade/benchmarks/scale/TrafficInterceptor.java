package io.palisade.benchmarks.scale;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * Counts a daemon's messages and their wire bytes as gRPC itself reports them (a stream tracer,
 * below the stub the node daemon's client uses), and notes when each message was read off the wire.
 */
final class TrafficInterceptor implements ClientInterceptor {

  private final DaemonStats stats;
  private final Runnable onRead;

  TrafficInterceptor(DaemonStats stats, Runnable onRead) {
    this.stats = stats;
    this.onRead = onRead;
  }

  /** A simulated daemon's own channel to {@code target}, its traffic counted in {@code stats}. */
  static ManagedChannel channel(String target, DaemonStats stats, Runnable onRead) {
    return NettyChannelBuilder.forTarget(target)
        .usePlaintext() // insecure, as the benchmark's server allows: loopback only
        .intercept(new TrafficInterceptor(stats, onRead))
        .build();
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return next.newCall(method, options.withStreamTracerFactory(new Factory()));
  }

  private final class Factory extends ClientStreamTracer.Factory {
    @Override
    public ClientStreamTracer newClientStreamTracer(
        ClientStreamTracer.StreamInfo info, Metadata headers) {
      return new ClientStreamTracer() {
        @Override
        public void inboundMessageRead(int seqNo, long wireSize, long uncompressedSize) {
          onRead.run();
          stats.received(wireSize);
        }

        @Override
        public void outboundMessage(int seqNo) {
          stats.sent();
        }
      };
    }
  }
}
