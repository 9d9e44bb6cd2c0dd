package io.palisade.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Argo CD health check shipped in kustomize/components/argocd with the real Lua 5.1
 * interpreter (Debian's lua5.1; Argo CD's gopher-lua implements Lua 5.1), the object handed over as
 * a Lua table built from its JSON.
 */
final class ArgoCdHealth {

  static final Path SCRIPT =
      Path.of("../kustomize/components/argocd/health.lua").toAbsolutePath().normalize();
  static final Path HARNESS = Path.of("src/test/resources/argocd/harness.lua").toAbsolutePath();
  static final Path LUA = Path.of("/usr/bin/lua5.1");

  /** What Argo CD would show: the status and the message. */
  record Health(String status, String message) {}

  private ArgoCdHealth() {}

  static Health of(JsonNode object) {
    if (!Files.isExecutable(LUA)) {
      throw new IllegalStateException(
          "lua5.1 is not installed; the Argo CD health checks run on it (Debian package lua5.1:"
              + " apt-get install -y lua5.1)");
    }
    try {
      Path file = Files.createTempFile("palisade-obj", ".lua");
      try {
        Files.writeString(file, "return " + lua(object) + "\n");
        Process p =
            new ProcessBuilder(
                    LUA.toString(), HARNESS.toString(), SCRIPT.toString(), file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("lua5.1 failed: " + out);
        }
        String[] lines = out.split("\n", -1);
        return new Health(lines[0], lines.length > 1 ? lines[1] : "");
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** JSON as a Lua table constructor: arrays 1-based, null as absent, as Argo CD converts. */
  static String lua(JsonNode n) {
    if (n.isObject()) {
      StringBuilder sb = new StringBuilder("{");
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNull()) {
          sb.append('[')
              .append(string(e.getKey()))
              .append("]=")
              .append(lua(e.getValue()))
              .append(',');
        }
      }
      return sb.append('}').toString();
    }
    if (n.isArray()) {
      StringBuilder sb = new StringBuilder("{");
      n.forEach(v -> sb.append(lua(v)).append(','));
      return sb.append('}').toString();
    }
    if (n.isNumber()) {
      return n.asText();
    }
    if (n.isBoolean()) {
      return n.asBoolean() ? "true" : "false";
    }
    return string(n.asText());
  }

  private static String string(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\%03d", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
