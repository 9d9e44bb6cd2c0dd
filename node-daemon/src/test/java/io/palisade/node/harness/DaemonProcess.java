package io.palisade.node.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The node daemon as a real process inside the node's network namespace (only the network namespace
 * is entered, so the daemon sees the same bpffs as the test), with its output lines queued for the
 * test to wait on.
 */
public final class DaemonProcess implements AutoCloseable {

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> all = new ArrayList<>();

  private DaemonProcess(Process process) {
    this.process = process;
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                  synchronized (all) {
                    all.add(l);
                  }
                  lines.add(l);
                }
              } catch (IOException e) {
                // the process went away
              }
            });
  }

  /** Starts {@code io.palisade.node.NodeDaemon} with the test's class path. */
  public static DaemonProcess start(NetNs netns, List<String> daemonArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Tools.require("nsenter").toString());
    cmd.add("--net=/var/run/netns/" + netns.name());
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.palisade.node.NodeDaemon");
    cmd.addAll(daemonArgs);
    try {
      return new DaemonProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new HarnessException("could not start the daemon: " + cmd, e);
    }
  }

  /** The next output line starting with {@code prefix}, waiting up to 60 s. */
  public String await(String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String l = lines.poll(100, TimeUnit.MILLISECONDS);
      if (l != null && l.startsWith(prefix)) {
        return l;
      }
      if (l == null && !process.isAlive() && lines.isEmpty()) {
        break;
      }
    }
    throw new AssertionError("daemon never printed '" + prefix + "'; output:\n" + output());
  }

  /** The daemon's PID (nsenter execs it, so it is the JVM's). */
  public long pid() {
    return process.pid();
  }

  /** SIGHUP, which asks the daemon to read its maps back and repair them now. */
  public void hangUp() {
    Sh.must("kill", "-HUP", Long.toString(process.pid()));
  }

  /** The exit code, once the daemon ends by itself within 60 s. */
  public int awaitExit() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("daemon still running after 60 s; output:\n" + output());
    }
    return process.exitValue();
  }

  public String output() {
    synchronized (all) {
      return String.join("\n", all);
    }
  }

  /** SIGKILL: no shutdown hook, no cleanup; what a crash or OOM kill does. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
