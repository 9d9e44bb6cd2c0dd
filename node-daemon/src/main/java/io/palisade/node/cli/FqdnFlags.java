package io.palisade.node.cli;

import io.palisade.node.fqdn.FqdnOptions;
import io.palisade.pipeline.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --fqdn-min-ttl} and {@code --fqdn-state}, the options of every command that runs the
 * node's DNS proxy: the node daemon in both modes and {@code standalone --enforce}. A picocli
 * mixin, so that each command takes the same names, defaults and checks.
 */
public final class FqdnFlags {

  @Option(
      names = "--fqdn-min-ttl",
      paramLabel = "DURATION",
      description =
          "The shortest time an address learned for a toFQDNs selector is held, whatever the"
              + " answer's TTL (default 3600s, as Cilium's --tofqdns-min-ttl).")
  String minTtl;

  @Option(
      names = "--fqdn-state",
      paramLabel = "FILE",
      description =
          "Where the addresses learned for toFQDNs selectors are kept across restarts (default"
              + " /var/lib/palisade/fqdn-cache.tsv).")
  Path state = FqdnOptions.DEFAULT_STATE_FILE;

  /** The options given, defaults for the others; a problem goes to {@code errors}. */
  public FqdnOptions options(List<String> errors) {
    Duration min = FqdnOptions.DEFAULT_MIN_TTL;
    if (minTtl != null) {
      try {
        min = Durations.parse(minTtl);
        if (min.isNegative()) {
          errors.add("--fqdn-min-ttl: " + minTtl + " is negative");
          min = FqdnOptions.DEFAULT_MIN_TTL;
        }
      } catch (IllegalArgumentException e) {
        errors.add("--fqdn-min-ttl: " + e.getMessage());
      }
    }
    return new FqdnOptions(min, Optional.of(state));
  }
}
