package io.palisade.gitops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * git's own smart HTTP server, {@code git http-backend} run as CGI behind the JDK's HTTP server on
 * 127.0.0.1, optionally requiring basic auth or a bearer token. Public, with {@link Upstream}, for
 * the tests of other modules that follow a repository (published in this module's test-jar).
 */
public final class HttpGitServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Path root;
  private final Optional<String> authorization;
  final AtomicInteger requests = new AtomicInteger();

  private HttpGitServer(Path root, Optional<String> authorization) throws IOException {
    this.root = root;
    this.authorization = authorization;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static HttpGitServer open(Path root) throws IOException {
    return new HttpGitServer(root, Optional.empty());
  }

  public static HttpGitServer basicAuth(Path root, String user, String password)
      throws IOException {
    String v =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new HttpGitServer(root, Optional.of("Basic " + v));
  }

  public static HttpGitServer bearer(Path root, String token) throws IOException {
    return new HttpGitServer(root, Optional.of("Bearer " + token));
  }

  public String url(String repo) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repo;
  }

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    try (ex) {
      if (authorization.isPresent()
          && !authorization.get().equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
        ex.sendResponseHeaders(401, -1);
        return;
      }
      byte[] body = ex.getRequestBody().readAllBytes();
      ProcessBuilder pb =
          new ProcessBuilder("git", "http-backend").redirectError(ProcessBuilder.Redirect.DISCARD);
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("GIT_"));
      env.put("GIT_PROJECT_ROOT", root.toString());
      env.put("GIT_HTTP_EXPORT_ALL", "1");
      env.put("GIT_CONFIG_NOSYSTEM", "1");
      env.put("GIT_CONFIG_GLOBAL", "/dev/null");
      env.put("REQUEST_METHOD", ex.getRequestMethod());
      env.put("PATH_INFO", ex.getRequestURI().getPath());
      env.put("QUERY_STRING", Optional.ofNullable(ex.getRequestURI().getRawQuery()).orElse(""));
      env.put("CONTENT_LENGTH", Integer.toString(body.length));
      env.put("REMOTE_ADDR", "127.0.0.1");
      header(ex, "Content-Type").ifPresent(v -> env.put("CONTENT_TYPE", v));
      header(ex, "Content-Encoding").ifPresent(v -> env.put("HTTP_CONTENT_ENCODING", v));
      header(ex, "Git-Protocol").ifPresent(v -> env.put("GIT_PROTOCOL", v));
      Process p = pb.start();
      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (OutputStream in = p.getOutputStream()) {
                      in.write(body);
                    } catch (IOException e) {
                      // the backend stopped reading
                    }
                  });
      respond(ex, p.getInputStream());
      writer.join();
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Optional<String> header(HttpExchange ex, String name) {
    return Optional.ofNullable(ex.getRequestHeaders().getFirst(name));
  }

  /** Turns the CGI response (headers, blank line, body) into the HTTP response. */
  private static void respond(HttpExchange ex, InputStream cgi) throws IOException {
    byte[] all = cgi.readAllBytes();
    int split = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    int skip = 4;
    if (split < 0) {
      split = indexOf(all, "\n\n".getBytes(StandardCharsets.US_ASCII));
      skip = 2;
    }
    int status = 200;
    for (String line :
        new String(all, 0, Math.max(split, 0), StandardCharsets.ISO_8859_1).split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) continue;
      String name = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (name.equalsIgnoreCase("Status")) status = Integer.parseInt(value.split(" ")[0]);
      else ex.getResponseHeaders().add(name, value);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (split >= 0) out.write(all, split + skip, all.length - split - skip);
    ex.sendResponseHeaders(status, out.size() == 0 ? -1 : out.size());
    if (out.size() > 0) ex.getResponseBody().write(out.toByteArray());
  }

  private static int indexOf(byte[] a, byte[] b) {
    outer:
    for (int i = 0; i + b.length <= a.length; i++) {
      for (int j = 0; j < b.length; j++) if (a[i + j] != b[j]) continue outer;
      return i;
    }
    return -1;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
