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

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

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
      case json -> out.println(JSON.writeValueAsString(document));
      case yaml -> out.print(YAML.writeValueAsString(document));
      case table -> throw new IllegalStateException("a table is each command's own");
    }
    out.flush();
  }
}
