package io.palisade.node.observe;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** {@code --flow-log FILE|-}: flows as JSON lines ({@link Flow#toJson}), appended. */
public final class FlowLogFile {

  private FlowLogFile() {}

  /** A sink writing to {@code target} ({@code -}: standard output), opened for appending. */
  public static FlowSink open(Path target) throws IOException {
    PrintStream log =
        target.toString().equals("-")
            ? System.out // flows are JSON lines already, in either log format
            : new PrintStream(
                Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                true,
                StandardCharsets.UTF_8);
    return f -> log.println(f.toJson());
  }
}
