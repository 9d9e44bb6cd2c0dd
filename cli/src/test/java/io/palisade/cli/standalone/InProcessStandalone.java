package io.palisade.cli.standalone;

import io.palisade.cli.Palisade;
import io.palisade.node.harness.NetNs;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * {@code palisade standalone ARGS} run in this JVM through the real command line, on a thread
 * inside the node's network namespace, so that its HTTP server, its Git fetches, its route lookups
 * and its tc attachments are the node's. Closing interrupts it, as stopping the process would.
 */
final class InProcessStandalone implements AutoCloseable {

  private static final Pattern PORT =
      Pattern.compile("standalone on http://127\\.0\\.0\\.1:(\\d+)/readyz");
  private static final Pattern HOOK =
      Pattern.compile("webhook at http://127\\.0\\.0\\.1:\\d+(/hook/[0-9a-f]+)");
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final TimedLog log = new TimedLog();
  private final NamespaceThread.Running<Integer> running;

  private InProcessStandalone(NetNs node, String... args) {
    PrintWriter out = new PrintWriter(log, true);
    this.running = NamespaceThread.start(node, "standalone", () -> Palisade.run(out, out, args));
  }

  static InProcessStandalone start(NetNs node, String... args) {
    return new InProcessStandalone(node, args);
  }

  TimedLog log() {
    return log;
  }

  /** The loopback port it serves on, once it says so. */
  int port() throws InterruptedException {
    return Integer.parseInt(log.await(PORT, STARTUP));
  }

  /** The webhook path it prints, {@code /hook/<sha256>}. */
  String hookPath() throws InterruptedException {
    return log.await(HOOK, STARTUP);
  }

  @Override
  public void close() throws Exception {
    running.thread().interrupt();
    try {
      running.result().get(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("standalone mode did not stop when interrupted:\n" + log, e);
    }
  }
}
