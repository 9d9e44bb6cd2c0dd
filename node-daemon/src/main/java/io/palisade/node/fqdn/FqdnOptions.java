package io.palisade.node.fqdn;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How long a {@code toFQDNs} address is held at least ({@code --fqdn-min-ttl}, Cilium's {@code
 * --tofqdns-min-ttl}: an answer's TTL below it is raised to it, since clients and libraries cache
 * answers longer than they say), and where the learned addresses are kept across restarts ({@code
 * --fqdn-state}; empty: not kept).
 */
public record FqdnOptions(Duration minTtl, Optional<Path> stateFile) {

  public static final Duration DEFAULT_MIN_TTL = Duration.ofSeconds(3600);
  public static final Path DEFAULT_STATE_FILE = Path.of("/var/lib/palisade/fqdn-cache.tsv");

  public FqdnOptions {
    if (minTtl.isNegative()) {
      throw new IllegalArgumentException("--fqdn-min-ttl: " + minTtl + " is negative");
    }
  }

  /** Cilium's hour, and the state under /var/lib/palisade. */
  public static FqdnOptions defaults() {
    return new FqdnOptions(DEFAULT_MIN_TTL, Optional.of(DEFAULT_STATE_FILE));
  }
}
