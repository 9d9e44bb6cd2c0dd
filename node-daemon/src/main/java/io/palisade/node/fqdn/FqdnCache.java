package io.palisade.node.fqdn;

import io.palisade.policy.fqdn.FqdnMatcher;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.proxy.dns.DnsAnswer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The addresses the node's DNS proxy learned for {@code toFQDNs} selectors, each held until its
 * answer's TTL (raised to the minimum) runs out, and what they make of the ipcache: {@code
 * address/32} (or /128) to the identity of a selector that matched its name. Entries are kept by
 * selector key, not identity, so they survive a renumbering; with a state file they survive a
 * restart too (tab-separated lines, replaced atomically at each change). Thread-safe.
 */
public final class FqdnCache {

  private record Key(String selector, String address) {}

  private final FqdnOptions options;
  private final Clock clock;
  private final Map<Key, Instant> entries = new HashMap<>();
  private Map<Long, FqdnMatcher> selectors = Map.of();

  /** Reads the state file when there is one; a line it cannot read is refused, naming it. */
  public FqdnCache(FqdnOptions options, Clock clock) {
    this.options = options;
    this.clock = clock;
    options.stateFile().filter(Files::exists).ifPresent(this::load);
    expire();
  }

  /** The selector identities of the current revision, with their keys. */
  public synchronized void selectors(Map<Long, String> byIdentity) {
    Map<Long, FqdnMatcher> next = new HashMap<>();
    byIdentity.forEach((id, key) -> next.put(id, FqdnMatcher.of(FqdnMatcher.fromKey(key))));
    selectors = Map.copyOf(next);
  }

  /** Learns an answer's addresses for every selector that matches their names. */
  public synchronized boolean learn(DnsAnswer answer) {
    Map<String, Long> before = ipcache();
    Instant now = clock.instant();
    boolean touched = false;
    for (DnsAnswer.Address a : answer.addresses()) {
      long ttl = Math.max(a.ttlSeconds(), options.minTtl().toSeconds());
      Instant until = now.plusSeconds(ttl);
      for (FqdnMatcher m : selectors.values()) {
        if (m.matches(a.name())) {
          entries.merge(
              new Key(m.key(), a.address().getHostAddress()),
              until,
              (x, y) -> x.isAfter(y) ? x : y);
          touched = true;
        }
      }
    }
    if (touched) {
      persist();
    }
    return !ipcache().equals(before);
  }

  /**
   * The ipcache entries of the unexpired addresses of the current selectors. An address two
   * selectors share takes the lower identity: the datapath holds one identity per address, so the
   * other selector's rules do not reach it (they drop, never allow more).
   */
  public synchronized Map<String, Long> ipcache() {
    Instant now = clock.instant();
    Map<String, Long> byKey = new HashMap<>();
    selectors.forEach((id, m) -> byKey.merge(m.key(), id, Math::min));
    Map<String, Long> out = new TreeMap<>();
    entries.forEach(
        (k, until) -> {
          Long id = byKey.get(k.selector());
          if (id != null && until.isAfter(now)) {
            out.merge(prefix(k.address()), id, Math::min);
          }
        });
    return out;
  }

  /**
   * Drops what expired; returns whether anything was, so that the maps, which still hold what was
   * applied before it expired, are written again.
   */
  public synchronized boolean expire() {
    Instant now = clock.instant();
    boolean removed = entries.values().removeIf(until -> !until.isAfter(now));
    if (removed) {
      persist();
    }
    return removed;
  }

  /** The held addresses with their expiry, for status and tests: "selector address epoch-ms". */
  public synchronized List<String> describe() {
    List<String> out = new ArrayList<>();
    entries.forEach((k, v) -> out.add(k.selector() + " " + k.address() + " " + v.toEpochMilli()));
    out.sort(null);
    return out;
  }

  /** The host prefix of an address, written as the node state writes its prefixes. */
  private static String prefix(String address) {
    return CidrPrefix.host(InetAddress.ofLiteral(address).getAddress()).toString();
  }

  private void load(Path file) {
    try {
      int n = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t");
        if (f.length != 3) {
          throw new IllegalArgumentException(
              file + ":" + n + ": expected selector, address and expiry separated by tabs");
        }
        FqdnMatcher.fromKey(f[0]);
        InetAddress.ofLiteral(f[1]);
        entries.put(new Key(f[0], f[1]), Instant.ofEpochMilli(Long.parseLong(f[2])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + ": an expiry is not a number: " + e.getMessage());
    }
  }

  private void persist() {
    Optional<Path> file = options.stateFile();
    if (file.isEmpty()) {
      return;
    }
    StringBuilder b = new StringBuilder();
    entries.forEach(
        (k, v) ->
            b.append(k.selector())
                .append('\t')
                .append(k.address())
                .append('\t')
                .append(v.toEpochMilli())
                .append('\n'));
    try {
      Path f = file.get();
      if (f.getParent() != null) {
        Files.createDirectories(f.getParent());
      }
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      Files.writeString(tmp, b, StandardCharsets.UTF_8);
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file.get(), e);
    }
  }
}
