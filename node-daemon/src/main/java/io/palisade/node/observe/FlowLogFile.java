package io.palisade.node.observe;

import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowSink;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code --flow-log FILE|-}: flows as JSON lines, appended. The datapath's flows ({@link
 * Flow#toJson}) and the proxy's L7 lines ({@link L7FlowLine}) share one stream, whose lines never
 * interleave.
 */
public final class FlowLogFile {

  private FlowLogFile() {}

  /** The stream to {@code target} ({@code -}: standard output), opened for appending. */
  public static PrintStream open(Path target) throws IOException {
    return target.toString().equals("-")
        ? System.out // flows are JSON lines already, in either log format
        : new PrintStream(
            Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
            true,
            StandardCharsets.UTF_8);
  }

  /** The datapath's flows written to {@code log}. */
  public static FlowSink sink(PrintStream log) {
    return f -> log.println(f.toJson());
  }
}
