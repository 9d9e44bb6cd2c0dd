package io.palisade.http;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The one embedded HTTP server of the node daemon's metrics and standalone mode's status and
 * webhook: Jetty's core server on one address, within {@link HttpLimits}. Jetty reads requests
 * without blocking, so a client that never finishes its request holds only its own connection until
 * the idle timeout closes it; the others are served meanwhile.
 *
 * <p>Routes are fixed before {@link Builder#start()}; handlers may be called from several threads
 * at once.
 */
public final class EmbeddedHttpServer implements AutoCloseable {

  /** Threads run handlers only, never wait on a client; acceptor and selector take two. */
  private static final int MAX_THREADS = 12;

  /** Event streams served at once: each holds a thread while it runs. */
  public static final int MAX_STREAMS = 4;

  private final Server server;
  private final ServerConnector connector;

  private EmbeddedHttpServer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /** A server that will listen on {@code address} (port 0: a free port). */
  public static Builder on(InetSocketAddress address) {
    if (address.isUnresolved()) {
      // Jetty reads no host as every address: a name that did not resolve must not widen it.
      throw new IllegalArgumentException("cannot listen on unresolved " + address.getHostString());
    }
    return new Builder(address);
  }

  /** The address and port it listens on. */
  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** {@code http://HOST:PORT} of where it listens, for a log line. */
  public String url() {
    String host = connector.getHost();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the HTTP server on " + address(), e);
    }
  }

  /** Routes and limits of a server to start. */
  public static final class Builder {
    private final InetSocketAddress address;
    private HttpLimits limits = HttpLimits.DEFAULT;
    private final Map<String, HttpHandler> exact = new LinkedHashMap<>();
    private final Map<String, HttpHandler> prefixes = new LinkedHashMap<>();
    private final Map<String, EventStreamHandler> streams = new LinkedHashMap<>();
    private BiConsumer<String, Exception> failures =
        (path, e) -> System.err.println("palisade: answering " + path + " failed: " + e);

    private Builder(InetSocketAddress address) {
      this.address = address;
    }

    public Builder limits(HttpLimits limits) {
      this.limits = limits;
      return this;
    }

    /** {@code GET} (and {@code HEAD}) of exactly {@code path}; other methods get 405. */
    public Builder get(String path, HttpHandler handler) {
      exact.put(
          path,
          request ->
              request.method().equals("GET") || request.method().equals("HEAD")
                  ? handler.handle(request)
                  : HttpResponse.text(405, "only GET is accepted at " + path + "\n"));
      return this;
    }

    /** {@code GET} of exactly {@code path} as server-sent events, or a whole answer. */
    public Builder events(String path, EventStreamHandler handler) {
      streams.put(path, handler);
      return this;
    }

    /** Every method of every path under {@code prefix}: the handler checks both. */
    public Builder prefix(String prefix, HttpHandler handler) {
      prefixes.put(prefix, handler);
      return this;
    }

    /** Where a handler's exception goes (the client gets 500); default: one line on stderr. */
    public Builder onHandlerFailure(BiConsumer<String, Exception> failures) {
      this.failures = failures;
      return this;
    }

    /** Binds and starts serving; fails when the address cannot be bound. */
    public EmbeddedHttpServer start() throws java.io.IOException {
      QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
      threads.setName("palisade-http");
      threads.setDaemon(true);
      Server server = new Server(threads);
      HttpConfiguration config = new HttpConfiguration();
      config.setRequestHeaderSize(limits.maxHeaderBytes());
      config.setSendServerVersion(false);
      config.setIdleTimeout(limits.idleTimeout().toMillis());
      ServerConnector connector =
          new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
      connector.setHost(address.getAddress().getHostAddress());
      connector.setPort(address.getPort());
      connector.setIdleTimeout(limits.idleTimeout().toMillis());
      server.addConnector(connector);
      server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
      ErrorHandler errors = new ErrorHandler();
      errors.setShowStacks(false);
      errors.setShowCauses(false);
      errors.setDefaultResponseMimeType("text/plain");
      server.setErrorHandler(errors);
      SizeLimitHandler sizeLimit = new SizeLimitHandler(limits.maxBodyBytes(), -1);
      sizeLimit.setHandler(
          new Routes(
              Map.copyOf(exact),
              Map.copyOf(prefixes),
              Map.copyOf(streams),
              limits.maxBodyBytes(),
              failures));
      server.setHandler(sizeLimit);
      try {
        server.start();
      } catch (java.io.IOException e) {
        stopQuietly(server);
        throw new java.io.IOException(
            "cannot serve HTTP on " + describe() + ": " + e.getMessage(), e);
      } catch (Exception e) {
        stopQuietly(server);
        throw new IllegalStateException("cannot start the HTTP server on " + describe(), e);
      }
      return new EmbeddedHttpServer(server, connector);
    }

    private String describe() {
      return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    private static void stopQuietly(Server server) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // The start failure is the one worth reporting.
      }
    }
  }
}
