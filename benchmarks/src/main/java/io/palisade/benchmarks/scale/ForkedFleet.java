package io.palisade.benchmarks.scale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The daemons in a JVM of their own ({@link FleetProcess}), on this JVM's class path. */
final class ForkedFleet implements Fleet {

  private final Process process;
  private final BufferedReader in;
  private final PrintStream out;

  private ForkedFleet(Process process) {
    this.process = process;
    this.in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.out = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
  }

  /**
   * Makes {@code nodes} daemons in a JVM of their own, on a heap of {@code heap} (a -Xmx value),
   * {@link AckingDaemon}s with {@code ackOnly}; returns once they are all made, not yet connected.
   */
  static ForkedFleet start(String target, int nodes, String heap, boolean ackOnly) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder b =
        new ProcessBuilder(
                java,
                "-Xmx" + heap,
                // Netty's native transport and buffers, as in the operator's JVM: no warnings.
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                System.getProperty("java.class.path"),
                FleetProcess.class.getName(),
                target,
                Integer.toString(nodes),
                ackOnly ? "ack" : "client")
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    try {
      ForkedFleet fleet = new ForkedFleet(b.start());
      fleet.expect(FleetProcess.READY);
      return fleet;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the daemons' JVM", e);
    }
  }

  @Override
  public void start() {
    out.println("start");
    expect(FleetProcess.STARTED);
  }

  @Override
  public Map<String, Applied> applied() {
    out.println("applied");
    Map<String, Applied> result = new LinkedHashMap<>();
    for (String line = read(); !line.equals(FleetProcess.END); line = read()) {
      List<String> f = List.of(line.split(" "));
      result.put(
          f.get(0),
          new Applied(
              Long.parseLong(f.get(1)),
              new NodeCounts(
                  Integer.parseInt(f.get(2)),
                  Integer.parseInt(f.get(3)),
                  Integer.parseInt(f.get(4)))));
    }
    return result;
  }

  @Override
  public Traffic traffic() {
    out.println("traffic");
    long[] f = Arrays.stream(read().split(" ")).mapToLong(Long::parseLong).toArray();
    return new Traffic(f[0], f[1], f[2], Arrays.copyOfRange(f, 3, f.length));
  }

  private void expect(String line) {
    String got = read();
    if (!got.equals(line)) {
      throw new IllegalStateException("the daemons' JVM said " + got + ", not " + line);
    }
  }

  private String read() {
    try {
      String line = in.readLine();
      if (line == null) {
        throw new IllegalStateException("the daemons' JVM ended (exit " + exitValue() + ")");
      }
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String exitValue() {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  @Override
  public void close() {
    out.close(); // the daemons' JVM ends when its stdin does
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
