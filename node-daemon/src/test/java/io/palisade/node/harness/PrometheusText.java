package io.palisade.node.harness;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, as Prometheus scrapes it: every
 * line must be a {@code # HELP}, a {@code # TYPE}, another comment or a sample of the grammar
 * {@code name{label="value",...} value [timestamp]}; a family's TYPE comes once and before its
 * samples, its samples are contiguous, no series appears twice, and a histogram's buckets are
 * cumulative up to a {@code +Inf} bucket equal to its count. A violation throws with the line.
 */
public final class PrometheusText {

  /** One sample: its name as written (with {@code _bucket}, {@code _total}...), labels, value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;
  private final Map<String, String> types;

  private PrometheusText(List<Sample> samples, Map<String, String> types) {
    this.samples = List.copyOf(samples);
    this.types = Map.copyOf(types);
  }

  public List<Sample> samples() {
    return samples;
  }

  /** The family's declared type (counter, gauge, histogram, summary, untyped). */
  public Optional<String> type(String family) {
    return Optional.ofNullable(types.get(family));
  }

  /** The samples named {@code name} whose labels include every one of {@code labels}. */
  public List<Sample> find(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
  }

  /** The sum of the values of {@link #find}, 0 when nothing matches. */
  public double sum(String name, Map<String, String> labels) {
    return find(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** Parses {@code text}, or throws naming the first line that breaks the format. */
  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    Set<String> helped = new HashSet<>();
    Set<String> closedFamilies = new HashSet<>();
    Set<String> series = new HashSet<>();
    String current = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      String where = "line " + (i + 1) + " \"" + line + "\": ";
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          String family = parts[2];
          requireName(family, where);
          if (parts[1].equals("TYPE")) {
            if (parts.length != 4 || !parts[3].matches("counter|gauge|histogram|summary|untyped")) {
              throw new IllegalArgumentException(where + "a TYPE needs a known type");
            }
            if (types.put(family, parts[3]) != null
                || samples.stream().anyMatch(s -> familyOf(s.name(), types).equals(family))) {
              throw new IllegalArgumentException(where + "TYPE after samples or given twice");
            }
          } else if (!helped.add(family)) {
            throw new IllegalArgumentException(where + "HELP given twice");
          }
        }
        continue;
      }
      Sample s = sample(line, where);
      String family = familyOf(s.name(), types);
      if (!family.equals(current)) {
        if (current != null) {
          closedFamilies.add(current);
        }
        if (closedFamilies.contains(family)) {
          throw new IllegalArgumentException(where + "samples of " + family + " are not together");
        }
        current = family;
      }
      if (!series.add(s.name() + new TreeMap<>(s.labels()))) {
        throw new IllegalArgumentException(where + "the series appears twice");
      }
      samples.add(s);
    }
    checkHistograms(samples, types);
    return new PrometheusText(samples, types);
  }

  private static Sample sample(String line, String where) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    requireName(name, where);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          throw new IllegalArgumentException(where + "a label without =");
        }
        String label = line.substring(i, eq);
        if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*") || eq + 1 >= line.length()) {
          throw new IllegalArgumentException(where + "bad label name " + label);
        }
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException(where + "a label value must be quoted");
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; j < line.length() && line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char n = line.charAt(++j);
            switch (n) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new IllegalArgumentException(where + "bad escape \\" + n);
            }
          } else {
            value.append(c);
          }
        }
        if (j >= line.length() || labels.put(label, value.toString()) != null) {
          throw new IllegalArgumentException(where + "unterminated or repeated label " + label);
        }
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else if (line.charAt(i) != '}') {
          throw new IllegalArgumentException(where + "expected , or } after a label");
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException(where + "no value");
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length < 1 || rest.length > 2) {
      throw new IllegalArgumentException(where + "expected a value and at most a timestamp");
    }
    double value = number(rest[0], where);
    if (rest.length == 2 && !rest[1].matches("-?[0-9]+")) {
      throw new IllegalArgumentException(where + "a timestamp is an integer of milliseconds");
    }
    return new Sample(name, Map.copyOf(labels), value);
  }

  private static double number(String text, String where) {
    return switch (text) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        if (!text.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
          throw new IllegalArgumentException(where + "\"" + text + "\" is not a number");
        }
        yield Double.parseDouble(text);
      }
    };
  }

  private static void requireName(String name, String where) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException(where + "\"" + name + "\" is not a metric name");
    }
  }

  /** The family a sample belongs to: a histogram's or summary's suffixes name their family. */
  private static String familyOf(String name, Map<String, String> types) {
    for (String suffix : List.of("_bucket", "_count", "_sum")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        String type = types.get(base);
        if ("histogram".equals(type) || "summary".equals(type)) {
          return base;
        }
      }
    }
    return name;
  }

  private static void checkHistograms(List<Sample> samples, Map<String, String> types) {
    types.forEach(
        (family, type) -> {
          if (!type.equals("histogram")) {
            return;
          }
          Map<Map<String, String>, List<Sample>> bySeries = new HashMap<>();
          for (Sample s : samples) {
            if (s.name().equals(family + "_bucket")) {
              if (!s.labels().containsKey("le")) {
                throw new IllegalArgumentException(family + ": a bucket without le");
              }
              Map<String, String> rest = new HashMap<>(s.labels());
              rest.remove("le");
              bySeries.computeIfAbsent(rest, k -> new ArrayList<>()).add(s);
            }
          }
          bySeries.forEach(
              (labels, buckets) -> {
                double previous = 0;
                double previousLe = Double.NEGATIVE_INFINITY;
                for (Sample b : buckets) {
                  double le = number(b.labels().get("le"), family + " le: ");
                  if (le <= previousLe || b.value() < previous) {
                    throw new IllegalArgumentException(
                        family + labels + ": buckets not cumulative");
                  }
                  previous = b.value();
                  previousLe = le;
                }
                double count =
                    samples.stream()
                        .filter(
                            s -> s.name().equals(family + "_count") && s.labels().equals(labels))
                        .findFirst()
                        .orElseThrow(
                            () -> new IllegalArgumentException(family + labels + ": no _count"))
                        .value();
                if (previousLe != Double.POSITIVE_INFINITY || previous != count) {
                  throw new IllegalArgumentException(
                      family + labels + ": the +Inf bucket must hold the count");
                }
              });
        });
  }
}
