package io.palisade.node.observe;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Where {@code --flow-log} writes: a file appended to, or standard output for {@code -}. */
public final class FlowLogFile {

  private FlowLogFile() {}

  public static PrintStream open(Path target) throws IOException {
    return target.toString().equals("-")
        ? System.out // events are JSON lines already, in either log format
        : new PrintStream(
            Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
            true,
            StandardCharsets.UTF_8);
  }
}
