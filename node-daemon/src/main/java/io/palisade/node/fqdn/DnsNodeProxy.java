package io.palisade.node.fqdn;

import io.palisade.pipeline.model.LocalState;
import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.proxy.ProxyOptions;
import io.palisade.proxy.dns.DnsAnswer;
import io.palisade.proxy.dns.DnsProxy;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The node's DNS proxy as the datapath drives it: each revision's {@code rules.dns} become its
 * policy and its {@code toFQDNs} selectors the cache's; an answer naming a selected name is held
 * until the applier has written its addresses to the maps ({@link #onLearned}), and expired
 * addresses are taken out within a second. Start it in the node's network namespace: the proxy's
 * threads, and so the applier's writes they make, stay there.
 */
public final class DnsNodeProxy implements AutoCloseable {

  /** The DNS proxy's listener port, where the datapath redirects egress DNS. */
  public static final int PORT = L7Parser.DNS.proxyPort(Direction.EGRESS);

  private final FqdnCache cache;
  private final DnsProxy proxy;
  private final ScheduledExecutorService expiry;
  private volatile Runnable apply = () -> {};

  private DnsNodeProxy(ProxyOptions options, FqdnCache cache) {
    this.cache = cache;
    this.proxy = DnsProxy.start(options, this::learn);
    ScheduledThreadPoolExecutor e =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "palisade-fqdn-expiry");
              t.setDaemon(true);
              return t;
            });
    e.prestartAllCoreThreads(); // created here, so in the caller's network namespace
    this.expiry = e;
    expiry.scheduleWithFixedDelay(this::expire, 1, 1, TimeUnit.SECONDS);
  }

  /** Starts the proxy (no port yet) and reads the cache's state file. */
  public static DnsNodeProxy start(ProxyOptions options, FqdnOptions fqdn) {
    return new DnsNodeProxy(options, new FqdnCache(fqdn, Clock.systemUTC()));
  }

  /**
   * Whom to call once addresses were learned or expired, on the proxy's own thread: the call must
   * have written the ipcache when it returns, and throws when it could not (the answer is then
   * SERVFAIL).
   */
  public void onLearned(Runnable applyNow) {
    this.apply = applyNow;
  }

  /** The ipcache entries of the learned addresses that have not expired. */
  public Map<String, Long> learnedIpcache() {
    return cache.ipcache();
  }

  /** A revision's DNS config, not in force yet: the ports it listens on and the step that does. */
  public record Update(Set<Integer> ports, Runnable commit) {}

  public Update prepare(LocalState local, Map<String, Long> ipcache) {
    NodeDnsPolicy policy = NodeDnsPolicy.of(local, ipcache);
    Set<Integer> ports = policy.any() ? Set.of(PORT) : Set.of();
    return new Update(
        ports,
        () -> {
          cache.selectors(local.fqdnSelectors());
          proxy.policy(policy);
          proxy.listen(ports);
        });
  }

  public Set<Integer> readyPorts() {
    return proxy.readyPorts();
  }

  public DnsProxy.Counts counts() {
    return proxy.counts();
  }

  private void learn(DnsAnswer answer) {
    if (cache.learn(answer)) {
      apply.run();
    }
  }

  private void expire() {
    try {
      if (cache.expire()) {
        apply.run();
      }
    } catch (RuntimeException e) {
      // The next tick tries again; until the maps take it the expired addresses stay.
      System.err.println("palisade-node: expired toFQDNs addresses not removed yet: " + e);
    }
  }

  @Override
  public void close() {
    expiry.shutdownNow();
    proxy.close();
  }
}
