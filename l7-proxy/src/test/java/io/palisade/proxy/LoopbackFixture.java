package io.palisade.proxy;

import com.sun.net.httpserver.HttpServer;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Real servers behind the proxy on loopback: an HTTP/1.1 server (the JDK's) as the deathstar on
 * ports 80 and 8080, a grpc-java server as Cilium's door manager on 50051, and the proxy itself on
 * free ports. Nothing redirects on loopback, so a client says which port it asked for by its source
 * port, and the proxy's test hooks map original destinations to the servers' real ports.
 */
final class LoopbackFixture implements AutoCloseable {

  static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  final List<String> upstreamSaw = new CopyOnWriteArrayList<>();
  final List<ProxyEvent> events = new CopyOnWriteArrayList<>();
  private final Map<Integer, Integer> askedPort = new ConcurrentHashMap<>();
  private final HttpServer http;
  private final Server grpc;
  final EmbeddedProxy proxy;

  LoopbackFixture() throws IOException {
    http = HttpServer.create(new InetSocketAddress(ProxySamples.DEATHSTAR, 0), 16);
    http.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          String line = ex.getRequestMethod() + " " + ex.getRequestURI();
          upstreamSaw.add(line);
          byte[] body = ("deathstar: " + line).getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    http.start();
    grpc =
        NettyServerBuilder.forAddress(new InetSocketAddress(ProxySamples.DOOR_MANAGER, 0))
            .addService(doorManager())
            .build()
            .start();
    // As root (as the node daemon runs) the sockets get IP_TRANSPARENT and SO_MARK for real.
    ProxyOptions options =
        ProxyOptions.defaults()
            .withTransparent(ROOT)
            .withUpstreamMark(ROOT ? io.palisade.xds.ProxyMark.FROM_PROXY : 0)
            .withEvents(events::add)
            .withBindPort(p -> 0)
            .withOriginalDestination(
                (local, remote) ->
                    new InetSocketAddress(
                        local.getAddress(),
                        askedPort.getOrDefault(
                            remote.getPort(),
                            local.getAddress().getHostAddress().equals(ProxySamples.DOOR_MANAGER)
                                ? 50051
                                : 80)))
            .withUpstreamAddress(
                d ->
                    d.getPort() == 50051
                        ? (InetSocketAddress) grpc.getListenSockets().getFirst()
                        : http.getAddress());
    proxy = EmbeddedProxy.start(options);
  }

  /**
   * An HTTP/1.1 connection from {@code source} to {@code destination}:{@code port}, through the
   * proxy.
   */
  RawHttp connect(String source, String destination, int port, int listenerPort)
      throws IOException {
    return new RawHttp(
        source,
        new InetSocketAddress(destination, proxy.localPort(listenerPort)),
        local -> askedPort.put(local, port));
  }

  /** A gRPC channel from {@code source} to the door manager, through the ingress proxy. */
  ManagedChannel grpcChannel(String source) {
    return NettyChannelBuilder.forAddress(
            new InetSocketAddress(ProxySamples.DOOR_MANAGER, proxy.localPort(15080)))
        .usePlaintext()
        .localSocketPicker(
            new NettyChannelBuilder.LocalSocketPicker() {
              @Override
              public java.net.SocketAddress createSocketAddress(
                  java.net.SocketAddress remote, io.grpc.Attributes attrs) {
                try {
                  return new InetSocketAddress(InetAddress.getByName(source), 0);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
            })
        .build();
  }

  static final MethodDescriptor.Marshaller<String> TEXT =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static MethodDescriptor<String, String> method(String name) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("cloudcity.DoorManager/" + name)
        .setRequestMarshaller(TEXT)
        .setResponseMarshaller(TEXT)
        .build();
  }

  static String call(ManagedChannel channel, String method, String request) {
    return ClientCalls.blockingUnaryCall(
        channel,
        method(method),
        CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
        request);
  }

  private static ServerServiceDefinition doorManager() {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder("cloudcity.DoorManager");
    for (String name : List.of("GetName", "GetLocation", "RequestMaintenance", "SetAccessCode")) {
      b.addMethod(
          method(name),
          ServerCalls.asyncUnaryCall(
              (req, out) -> {
                out.onNext(name + ": " + req);
                out.onCompleted();
              }));
    }
    return b.build();
  }

  @Override
  public void close() throws InterruptedException {
    proxy.close();
    grpc.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    http.stop(0);
  }
}
