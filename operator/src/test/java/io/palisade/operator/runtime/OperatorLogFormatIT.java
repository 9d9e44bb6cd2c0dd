package io.palisade.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator as a process, with no API server to reach: its console logs are text by
 * default and one JSON object per line with {@code QUARKUS_LOG_CONSOLE_JSON_ENABLED=true}.
 */
class OperatorLogFormatIT {

  private static final Path APP = Path.of("target/quarkus-app/quarkus-run.jar");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jsonLogsAreOneObjectPerLineWhenAskedFor() throws Exception {
    List<String> lines = run(Map.of("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true"));
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      JsonNode node = JSON.readTree(line);
      assertThat(node.isObject()).as("a JSON object: %s", line).isTrue();
      assertThat(node.path("level").asText()).as("level of %s", line).isNotEmpty();
      assertThat(node.path("loggerName").asText()).as("logger of %s", line).isNotEmpty();
      assertThat(node.has("message")).as("message of %s", line).isTrue();
      assertThat(node.path("timestamp").asText()).as("timestamp of %s", line).isNotEmpty();
    }
  }

  @Test
  void logsAreTextByDefault() throws Exception {
    List<String> lines = run(Map.of());
    assertThat(lines).isNotEmpty();
    assertThat(lines).noneMatch(l -> l.startsWith("{"));
  }

  /**
   * The operator's console log (standard output: the JVM's own warnings go to standard error) until
   * it gives up on the unreachable API server (or 60 s). The ports are the kernel's choice and the
   * kubeconfig points nowhere, so the run touches nothing.
   */
  private static List<String> run(Map<String, String> env)
      throws IOException, InterruptedException {
    assertThat(APP).as("the packaged operator (run after package)").exists();
    Path out = Files.createTempFile("operator-log", ".txt");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  APP.toString())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectOutput(out.toFile());
      Map<String, String> e = pb.environment();
      e.put("KUBECONFIG", "/nonexistent/kubeconfig");
      e.put("KUBERNETES_MASTER", "https://127.0.0.1:1");
      e.remove("KUBERNETES_SERVICE_HOST");
      e.put("QUARKUS_HTTP_PORT", "0");
      e.put("PALISADE_NODE_STATE_PORT", "0");
      e.put("PALISADE_XDS_PORT", "0");
      e.put("PALISADE_NODE_STATE_INSECURE", "true");
      e.put("PALISADE_NODE_STATE_TLS_ISSUE", "false");
      e.putAll(env);
      Process p = pb.start();
      try {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroy();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      } finally {
        p.destroyForcibly();
      }
      List<String> lines = new ArrayList<>();
      for (String l : Files.readAllLines(out, StandardCharsets.UTF_8)) {
        if (!l.isBlank()) {
          lines.add(l);
        }
      }
      return lines;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
