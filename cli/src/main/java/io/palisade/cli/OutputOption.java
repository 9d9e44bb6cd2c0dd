package io.palisade.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * {@code -o table|json|yaml} of every command with output, and the one way a result is written as
 * JSON or YAML: the same document in both, so a script can take either.
 */
public final class OutputOption {

  /**
   * Built on first use: picocli makes this option for every command at start, and a CLI call that
   * prints a table (or only --version) should not pay for two ObjectMappers.
   */
  private static final class Mappers {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final ObjectMapper YAML =
        new ObjectMapper(
            new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
  }

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      paramLabel = "FORMAT",
      description = "table (default, for people), json or yaml.")
  OutputFormat format = OutputFormat.table;

  public OutputFormat format() {
    return format;
  }

  /** Whether the result is for people. */
  public boolean table() {
    return format == OutputFormat.table;
  }

  /** Writes {@code document} (maps, lists, strings, numbers) as JSON or YAML. */
  public void print(PrintWriter out, Object document) throws JsonProcessingException {
    switch (format) {
      case json -> out.println(Mappers.JSON.writeValueAsString(document));
      case yaml -> out.print(Mappers.YAML.writeValueAsString(document));
      case table -> throw new IllegalStateException("a table is each command's own");
    }
    out.flush();
  }
}
