package io.palisade.benchmarks.scale;

import java.lang.management.ManagementFactory;
import java.util.List;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The JVM's own class histogram of live objects ({@code jcmd PID GC.class_histogram}), taken from
 * inside the process, so that a heap figure comes with the types that make it up.
 */
final class ClassHistogram {

  private ClassHistogram() {}

  /** The header and the {@code top} largest types, as the JVM prints them (after a full GC). */
  static List<String> top(int top) {
    String text;
    try {
      text =
          (String)
              ManagementFactory.getPlatformMBeanServer()
                  .invoke(
                      new ObjectName("com.sun.management:type=DiagnosticCommand"),
                      "gcClassHistogram",
                      new Object[] {new String[0]},
                      new String[] {String[].class.getName()});
    } catch (JMException e) {
      return List.of("class histogram unavailable: " + e.getMessage());
    }
    List<String> lines = text.lines().toList();
    // Two header lines, the types by size, and a Total line at the end.
    List<String> out = new java.util.ArrayList<>(lines.subList(0, Math.min(lines.size(), top + 2)));
    out.add(lines.getLast());
    return out;
  }
}
