package io.palisade.pipeline;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations as Kubernetes and Flux write them (Go's form without fractions): {@code 500ms},
 * {@code 30s}, {@code 1m}, {@code 1h30m}.
 */
public final class Durations {

  private static final Pattern WHOLE = Pattern.compile("(?:[0-9]{1,9}(?:ms|s|m|h))+");
  private static final Pattern PART = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

  private Durations() {}

  /**
   * The duration {@code text} says.
   *
   * @throws IllegalArgumentException naming the text when it is not a duration
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.strip();
    if (!WHOLE.matcher(t).matches()) {
      throw new IllegalArgumentException(
          '"' + t + "\" is not a duration (numbers followed by ms, s, m or h, e.g. 1m30s)");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(t);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
    }
    return total;
  }
}
