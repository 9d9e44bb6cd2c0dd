package io.palisade.cli.standalone;

import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What standalone mode prints, line by line, with the moment each line was written: standalone mode
 * prints after resolving a generation and again after the datapath took it, so the times of those
 * lines split a push's latency into its stages without instrumenting the main code.
 */
final class TimedLog extends Writer {

  /** One complete line and when its end was written ({@link System#nanoTime()}). */
  record Line(long nanos, String text) {}

  private final StringBuilder partial = new StringBuilder();
  private final List<Line> lines = new ArrayList<>();

  @Override
  public synchronized void write(char[] buf, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (buf[i] == '\n') {
        lines.add(new Line(System.nanoTime(), partial.toString()));
        partial.setLength(0);
        notifyAll();
      } else {
        partial.append(buf[i]);
      }
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  /** The first line written at or after {@code sinceNanos} that matches {@code pattern}. */
  synchronized Optional<Line> first(Pattern pattern, long sinceNanos) {
    return lines.stream()
        .filter(l -> l.nanos() >= sinceNanos && pattern.matcher(l.text()).find())
        .findFirst();
  }

  /** Waits for a line matching {@code pattern} and returns its first group. */
  synchronized String await(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Line l : lines) {
        Matcher m = pattern.matcher(l.text());
        if (m.find()) {
          return m.group(1);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no line matching " + pattern + " in:\n" + this);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  @Override
  public synchronized String toString() {
    StringBuilder sb = new StringBuilder();
    lines.forEach(l -> sb.append(l.text()).append('\n'));
    return sb.append(partial).toString();
  }
}
