package io.palisade.benchmarks.xds;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The transport's own cost, beside the xDS rows: a plain grpc-java bidi service (no
 * java-control-plane, nothing of Palisade's) and N clients, each on a channel of its own on the
 * same client event loop as the ADS clients. A round writes one pre-built message of a routes
 * response's size to every stream, from as many threads as the publisher has response lanes, and
 * ends when every client's ack, a message of an ACK's size, has arrived. What the xDS rows cost
 * above this is what the control plane adds.
 */
final class RawGrpcRounds implements AutoCloseable {

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static final MethodDescriptor<byte[], byte[]> EXCHANGE =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName("bench.Raw/Exchange")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  private final byte[] message;
  private final Server server;
  private final List<StreamObserver<byte[]>> streams = new CopyOnWriteArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final ExecutorService[] lanes;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile CountDownLatch acked = new CountDownLatch(0);
  private volatile long lastAckAt;

  /**
   * Starts the server and {@code clients} clients on {@code loop}; each client answers every
   * message with {@code ack}. Returns once every stream is open on the server.
   */
  RawGrpcRounds(int clients, byte[] message, byte[] ack, int lanes, EventLoopGroup loop)
      throws IOException, InterruptedException {
    this.message = message.clone();
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("bench.Raw")
            .addMethod(EXCHANGE, ServerCalls.asyncBidiStreamingCall(this::open))
            .build();
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(service)
            .build()
            .start();
    this.lanes = new ExecutorService[lanes];
    for (int i = 0; i < lanes; i++) {
      this.lanes[i] =
          Executors.newSingleThreadExecutor(
              Thread.ofPlatform().daemon().name("raw-responses-" + i).factory());
    }
    byte[] reply = ack.clone();
    for (int i = 0; i < clients; i++) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
              .eventLoopGroup(loop)
              .channelType(NioSocketChannel.class)
              .directExecutor()
              .usePlaintext()
              .build();
      channels.add(channel);
      ClientCall<byte[], byte[]> call = channel.newCall(EXCHANGE, CallOptions.DEFAULT);
      AtomicReference<StreamObserver<byte[]>> out = new AtomicReference<>();
      out.set(
          ClientCalls.asyncBidiStreamingCall(
              call,
              new StreamObserver<>() {
                @Override
                public void onNext(byte[] value) {
                  synchronized (out) {
                    out.get().onNext(reply);
                  }
                }

                @Override
                public void onError(Throwable t) {
                  failure.set(t);
                }

                @Override
                public void onCompleted() {}
              }));
      // The server sees a stream once its first message arrives.
      synchronized (out) {
        out.get().onNext(reply);
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (streams.size() < clients) {
      if (failure.get() != null || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "raw gRPC: " + streams.size() + " of " + clients + " streams open", failure.get());
      }
      Thread.sleep(10);
    }
  }

  private StreamObserver<byte[]> open(StreamObserver<byte[]> responses) {
    AtomicInteger seen = new AtomicInteger();
    return new StreamObserver<>() {
      @Override
      public void onNext(byte[] value) {
        if (seen.getAndIncrement() == 0) {
          streams.add(responses);
          return;
        }
        long now = System.nanoTime();
        CountDownLatch round = acked;
        round.countDown();
        if (round.getCount() == 0) {
          lastAckAt = now;
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        responses.onCompleted();
      }
    };
  }

  /** One round: the message to every stream, then every ack; returns [to all acks, sent] ns. */
  long[] round() throws InterruptedException {
    List<StreamObserver<byte[]>> all = List.copyOf(streams);
    CountDownLatch done = new CountDownLatch(all.size());
    acked = done;
    long t0 = System.nanoTime();
    CompletableFuture<?>[] sent = new CompletableFuture<?>[lanes.length];
    for (int l = 0; l < lanes.length; l++) {
      int lane = l;
      sent[l] =
          CompletableFuture.runAsync(
              () -> {
                for (int i = lane; i < all.size(); i += lanes.length) {
                  all.get(i).onNext(message);
                }
              },
              lanes[l]);
    }
    CompletableFuture.allOf(sent).join();
    long written = System.nanoTime();
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "raw gRPC: " + done.getCount() + " clients did not answer", failure.get());
    }
    return new long[] {lastAckAt - t0, written - t0};
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      c.awaitTermination(5, TimeUnit.SECONDS);
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    for (ExecutorService lane : lanes) {
      lane.shutdownNow();
    }
  }
}
