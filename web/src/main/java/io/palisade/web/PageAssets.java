package io.palisade.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/**
 * The built page as classpath resources under {@code META-INF/resources/ui/} (where Quarkus serves
 * them at {@code /ui/} by itself), for a server that serves them by hand: standalone mode.
 */
public final class PageAssets {

  /** Where the page is served, and where its resources live on the classpath. */
  public static final String PATH = "/ui/";

  private static final String ROOT = "META-INF/resources/ui/";

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "json", "application/json",
          "ico", "image/x-icon");

  /** A resource's bytes and content type. */
  public record Asset(String contentType, byte[] bytes) {}

  private PageAssets() {}

  /** Whether the jar carries the built page (a build that skipped npm does not). */
  public static boolean present() {
    return PageAssets.class.getClassLoader().getResource(ROOT + "index.html") != null;
  }

  /**
   * The asset at a request path under {@link #PATH} ({@code /ui/} is {@code index.html}); empty for
   * a path that names none, or that tries to leave the folder.
   */
  public static Optional<Asset> find(String requestPath) throws IOException {
    if (!requestPath.startsWith(PATH)) {
      return Optional.empty();
    }
    String name = requestPath.substring(PATH.length());
    if (name.isEmpty()) {
      name = "index.html";
    }
    if (name.contains("..") || name.contains("//") || name.startsWith("/") || name.contains("\\")) {
      return Optional.empty();
    }
    String ext = name.substring(name.lastIndexOf('.') + 1);
    String type = TYPES.get(ext);
    if (type == null) {
      return Optional.empty();
    }
    try (InputStream in = PageAssets.class.getClassLoader().getResourceAsStream(ROOT + name)) {
      return in == null ? Optional.empty() : Optional.of(new Asset(type, in.readAllBytes()));
    }
  }
}
