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
 * A Java program with the test's class path in its own JVM inside a pod's network namespace: every
 * socket it opens, on whatever thread, is the pod's. For programs such as Kafka's broker and
 * clients, whose sockets are opened on threads the test does not own.
 */
public final class PodJvm implements AutoCloseable {

  private final String name;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> all = new ArrayList<>();

  private PodJvm(String name, Process process) {
    this.name = name;
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
                // the process went away: await reports it with the output so far
              }
            });
  }

  /** Starts {@code mainClass} with {@code args} in {@code netns}. */
  public static PodJvm start(NetNs netns, Class<?> mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Tools.require("nsenter").toString());
    cmd.add("--net=/var/run/netns/" + netns.name());
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(args);
    try {
      return new PodJvm(
          mainClass.getSimpleName() + " in " + netns.name(),
          new ProcessBuilder(cmd).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new HarnessException("could not start " + cmd, e);
    }
  }

  /**
   * The next output line starting with one of {@code prefixes}, waiting up to {@code seconds};
   * fails with the program's whole output when none comes or the program exits first.
   */
  public String await(List<String> prefixes, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String l = lines.poll(100, TimeUnit.MILLISECONDS);
      if (l != null && prefixes.stream().anyMatch(l::startsWith)) {
        return l;
      }
      if (l == null && !process.isAlive() && lines.isEmpty()) {
        break;
      }
    }
    throw new AssertionError(name + " never printed " + prefixes + "; output:\n" + output());
  }

  /** Everything the program printed so far. */
  public String output() {
    synchronized (all) {
      return String.join("\n", all);
    }
  }

  @Override
  public void close() {
    process.destroy(); // SIGTERM: the program's shutdown hooks (Kafka's) stop it cleanly
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
