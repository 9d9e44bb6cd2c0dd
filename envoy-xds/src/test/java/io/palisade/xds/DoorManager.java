package io.palisade.xds;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cilium's gRPC example service, {@code cloudcity.DoorManager}, without generated code: each method
 * answers its own name. Requests and replies are raw bytes.
 */
public final class DoorManager {

  public static final String SERVICE = "cloudcity.DoorManager";

  private DoorManager() {}

  public static MethodDescriptor<byte[], byte[]> method(String name) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(Bytes.INSTANCE)
        .setResponseMarshaller(Bytes.INSTANCE)
        .build();
  }

  public static ServerServiceDefinition service() {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(SERVICE);
    for (String m : new String[] {"GetName", "GetLocation", "RequestMaintenance"}) {
      b.addMethod(
          method(m),
          ServerCalls.asyncUnaryCall(
              (req, out) -> {
                out.onNext(m.getBytes(StandardCharsets.UTF_8));
                out.onCompleted();
              }));
    }
    return b.build();
  }

  /** A plaintext channel to {@code port} on {@code host} whose calls leave from {@code source}. */
  public static ManagedChannel channel(String host, int port, String source) {
    return NettyChannelBuilder.forAddress(host, port)
        .usePlaintext()
        .localSocketPicker(
            new NettyChannelBuilder.LocalSocketPicker() {
              @Override
              public InetSocketAddress createSocketAddress(
                  java.net.SocketAddress remote, io.grpc.Attributes attrs) {
                return new InetSocketAddress(source, 0);
              }
            })
        .build();
  }

  /** The method's answer, or the status code of its failure ({@code "PERMISSION_DENIED"}). */
  public static String call(ManagedChannel channel, String method) {
    try {
      byte[] reply =
          ClientCalls.blockingUnaryCall(
              channel,
              method(method),
              CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS),
              new byte[0]);
      return new String(reply, StandardCharsets.UTF_8);
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode().name();
    }
  }

  static Status.Code code(String answer) {
    return Status.Code.valueOf(answer);
  }

  /** grpc-java's bootstrap for a server whose xDS node id is {@code nodeId}. */
  public static Map<String, Object> bootstrap(String xdsServer, String nodeId) {
    return Map.of(
        "xds_servers",
        java.util.List.of(
            Map.of(
                "server_uri",
                xdsServer,
                "channel_creds",
                java.util.List.of(Map.of("type", "insecure")),
                "server_features",
                java.util.List.of("xds_v3"))),
        "node",
        Map.of("id", nodeId),
        "server_listener_resource_name_template",
        "grpc/server?xds.resource.listening_address=%s");
  }

  private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

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
  }
}
