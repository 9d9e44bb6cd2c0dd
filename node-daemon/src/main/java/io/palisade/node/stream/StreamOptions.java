package io.palisade.node.stream;

import io.palisade.node.DaemonOptions;
import io.palisade.node.datapath.Datapath;
import io.palisade.pipeline.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code node-daemon --node NAME --operator HOST:PORT}, parsed; every problem reported at once.
 * Without TLS files the operator's stream would be plain text, which anyone on the path can read
 * and forge (and the daemon enforces what it is sent), so that takes {@code --insecure}.
 */
public record StreamOptions(
    String node,
    String operator,
    Path pinRoot,
    Path stateFile,
    Optional<ClientTls> tls,
    Duration repairInterval,
    Optional<Path> tlsAuto,
    boolean insecure) {

  public StreamOptions {
    if (tls.isEmpty() && tlsAuto.isEmpty() && !insecure) {
      throw new IllegalArgumentException(plainTextRefused(operator));
    }
  }

  /** Beside the pins, but on a file system that takes regular files and empties on reboot too. */
  public static final Path DEFAULT_STATE_FILE = Path.of("/run/palisade/node-state.pb");

  public static final String USAGE =
      """
      usage: palisade node-daemon --node NAME --operator HOST:PORT
                                  [--pin-root DIR] [--state-file FILE]
                                  (--tls-cert PEM --tls-key PEM --tls-ca PEM | --tls-auto DIR
                                   | --insecure)
                                  [--repair-interval DURATION]
        Enforces what the operator streams for node NAME: says hello with the revision the maps
        hold (kept in --state-file, default /run/palisade/node-state.pb), applies each snapshot
        or delta by difference, acks it, and reconnects with backoff when the stream ends. With
        the three --tls-* files it speaks mutual TLS: its certificate's CN must name its node.
        Reads the maps back every --repair-interval (default 10s; 0s: only on SIGHUP) and on
        SIGHUP, and repairs what differs from the state applied.
        With --tls-auto it obtains that certificate itself from the operator's CA (through a
        CertificateSigningRequest, in a pod), keeps it in DIR and renews it.
        --insecure allows a plain-text operator instead (tests, or a network you trust).
      """;

  public static StreamOptions parse(String... args) {
    String node = null;
    String operator = null;
    Path pinRoot = Datapath.DEFAULT_PIN_ROOT;
    Path stateFile = DEFAULT_STATE_FILE;
    Path cert = null;
    Path key = null;
    Path ca = null;
    Duration repairInterval = DaemonOptions.DEFAULT_REPAIR_INTERVAL;
    Path auto = null;
    boolean insecure = false;
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      if (a.equals("--insecure")) {
        insecure = true;
        continue;
      }
      if (v == null && a.startsWith("--")) {
        errors.add(a + " needs a value");
        continue;
      }
      switch (a) {
        case "--node" -> node = v;
        case "--operator" -> operator = v;
        case "--pin-root" -> pinRoot = Path.of(v);
        case "--state-file" -> stateFile = Path.of(v);
        case "--tls-cert" -> cert = Path.of(v);
        case "--tls-key" -> key = Path.of(v);
        case "--tls-ca" -> ca = Path.of(v);
        case "--repair-interval" -> {
          try {
            repairInterval = Durations.parse(v);
          } catch (IllegalArgumentException e) {
            errors.add("--repair-interval: " + e.getMessage());
          }
        }
        case "--tls-auto" -> auto = Path.of(v);
        default -> {
          errors.add("unknown option " + a);
          continue;
        }
      }
      i++;
    }
    if (node == null || node.isBlank()) {
      errors.add("--node is required");
    }
    if (operator == null) {
      errors.add("--operator is required");
    } else if (operator.lastIndexOf(':') <= 0
        || !operator.substring(operator.lastIndexOf(':') + 1).matches("[0-9]{1,5}")) {
      errors.add("--operator " + operator + ": expected HOST:PORT");
    }
    int tlsFiles = (cert != null ? 1 : 0) + (key != null ? 1 : 0) + (ca != null ? 1 : 0);
    if (tlsFiles != 0 && tlsFiles != 3) {
      errors.add("--tls-cert, --tls-key and --tls-ca go together");
    } else if (tlsFiles == 0 && auto == null && !insecure && operator != null) {
      errors.add(plainTextRefused(operator));
    }
    if (auto != null && tlsFiles != 0) {
      errors.add("--tls-auto obtains the certificate itself: give it or the --tls-* files");
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", errors) + "\n" + USAGE);
    }
    Optional<ClientTls> tls =
        tlsFiles == 3 ? Optional.of(new ClientTls(cert, key, ca)) : Optional.empty();
    return new StreamOptions(
        node,
        operator,
        pinRoot,
        stateFile,
        tls,
        repairInterval,
        Optional.ofNullable(auto),
        insecure);
  }

  private static String plainTextRefused(String operator) {
    return "--operator "
        + operator
        + " would be plain text, which anyone on the path can read and forge: give --tls-cert,"
        + " --tls-key and --tls-ca, --tls-auto, or --insecure to allow it";
  }
}
