package io.palisade.benchmarks.kafka;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * CPU time of this process's threads by kind: Java threads by their full names through {@link
 * ThreadMXBean}, and from {@code /proc/self/task} the JVM's own threads (garbage collector, JIT
 * compilers), which it does not list. A thread's kind is its name with digits as {@code #}, so that
 * a pool's threads add up to one line.
 */
final class ThreadCpu {

  /** Clock ticks per second of {@code /proc}'s times: 100 on every Linux this runs on. */
  private static final double TICK_MS = 10.0;

  private ThreadCpu() {}

  /** CPU milliseconds by kind of thread, so far. */
  static Map<String, Double> snapshot() {
    Map<String, Double> out = new HashMap<>();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Set<String> javaNames = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      long ns = mx.getThreadCpuTime(t.threadId());
      // The kernel knows a Java thread by the first 15 bytes of its name.
      javaNames.add(t.getName().substring(0, Math.min(15, t.getName().length())));
      if (ns > 0) {
        out.merge(kind(t.getName()), ns / 1e6, Double::sum);
      }
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          // "tid (name) state ...": a name may hold spaces and ')', so it ends at the last ')'.
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          // "java" is the launcher's thread that runs main, counted as "main" above.
          if (javaNames.contains(name) || name.equals("java")) {
            continue;
          }
          String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          double ms = (Long.parseLong(rest[11]) + Long.parseLong(rest[12])) * TICK_MS;
          out.merge(kind(name), ms, Double::sum);
        } catch (IOException e) {
          // A thread that ended between the listing and the read has nothing more to count.
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/task: " + e.getMessage(), e);
    }
    return out;
  }

  /** What each kind of thread spent from {@code before} to {@code after}, in milliseconds. */
  static Map<String, Double> since(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> out = new TreeMap<>();
    after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0.0)));
    return out;
  }

  private static String kind(String name) {
    return name.replaceAll("[0-9]+", "#");
  }
}
