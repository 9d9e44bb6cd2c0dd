package io.palisade.node.datapath;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.palisade.node.fqdn.DnsNodeProxy;
import io.palisade.node.fqdn.FqdnOptions;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.proxy.EmbeddedProxy;
import io.palisade.proxy.ProxyEvent;
import io.palisade.proxy.ProxyOptions;
import io.palisade.proxy.kafka.KafkaConfig;
import io.palisade.proxy.kafka.KafkaProxy;
import io.palisade.xds.L7Translator;
import io.palisade.xds.NodeResources;
import io.palisade.xds.Target;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The node daemon's own L7 proxy ({@link EmbeddedProxy}): each revision's local state is translated
 * The node daemon's own L7 proxy ({@link EmbeddedProxy}): each revision's local state is translated
 * as for Envoy ({@link L7Translator}) and enforced in process; its Kafka rules go straight from the
 * node's L7 state to the Kafka proxy ({@link KafkaProxy}), which no Envoy resource describes, and
 * its DNS rules and {@code toFQDNs} selectors to the DNS proxy ({@link DnsNodeProxy}). Listening
 * sockets are made in the network namespace of the thread that commits an update, upstream sockets
 * in that of the thread that started the proxy: both must be the node's.
 */
public final class EmbeddedNodeProxy implements NodeProxy {

  private static final List<String> DIRECTIONS = List.of("ingress", "egress");

  private final Map<List<String>, LongAdder> requests = new ConcurrentHashMap<>();
  private final EmbeddedProxy proxy;
  private final KafkaProxy kafka;
  private final DnsNodeProxy dns;

  private final Consumer<ProxyEvent> events;

  private EmbeddedNodeProxy(FqdnOptions fqdn, Consumer<ProxyEvent> events) {
    this.events = events;
    for (String d : DIRECTIONS) {
      for (ProxyEvent.Verdict v : ProxyEvent.Verdict.values()) {
        requests.put(List.of(d, v.label()), new LongAdder());
      }
    }
    // Counted on the proxy's event loops: a map lookup and an add, nothing that blocks.
    ProxyOptions options = ProxyOptions.defaults().withEvents(this::count);
    this.proxy = EmbeddedProxy.start(options);
    try {
      this.kafka = KafkaProxy.start(options);
    } catch (RuntimeException e) {
      proxy.close();
      throw e;
    }
    try {
      this.dns = DnsNodeProxy.start(ProxyOptions.defaults(), fqdn);
    } catch (RuntimeException e) {
      kafka.close();
      proxy.close();
      throw e;
    }
  }

  /**
   * Starts the proxy in the calling thread's network namespace, with no listener yet; the DNS
   * proxy's learned addresses are held for at least Cilium's hour and kept in memory only.
   */
  public static EmbeddedNodeProxy start() {
    return start(new FqdnOptions(FqdnOptions.DEFAULT_MIN_TTL, java.util.Optional.empty()));
  }

  /** As {@link #start()}, with the DNS proxy's {@code toFQDNs} settings. */
  public static EmbeddedNodeProxy start(FqdnOptions fqdn) {
    return new EmbeddedNodeProxy(fqdn, e -> {});
  }

  /**
   * As {@link #start(FqdnOptions)}, telling {@code events} of every HTTP request decided (on the
   * proxy's event loop: it must not block), e.g. for the flow log.
   */
  public static EmbeddedNodeProxy start(FqdnOptions fqdn, Consumer<ProxyEvent> events) {
    return new EmbeddedNodeProxy(fqdn, events);
  }

  /** As {@link #start()}, telling {@code events} of every HTTP request decided. */
  public static EmbeddedNodeProxy start(Consumer<ProxyEvent> events) {
    return start(new FqdnOptions(FqdnOptions.DEFAULT_MIN_TTL, java.util.Optional.empty()), events);
  }

  /** The DNS proxy's counts: forwarded, refused, malformed, failed upstream, unlearned. */
  public io.palisade.proxy.dns.DnsProxy.Counts dnsCounts() {
    return dns.counts();
  }

  @Override
  public Map<String, Long> learnedIpcache() {
    return dns.learnedIpcache();
  }

  @Override
  public void onLearned(Runnable applyNow) {
    dns.onLearned(applyNow);
  }

  private void count(ProxyEvent e) {
    requests
        .computeIfAbsent(List.of(e.direction(), e.verdict().label()), k -> new LongAdder())
        .increment();
    events.accept(e);
  }

  /**
   * {@code palisade_l7_requests_total{direction,verdict}}: the requests the proxy let through
   * ({@code l7-allowed}) and refused ({@code l7-denied}), by the listener's direction.
   */
  public void bindMeters(MeterRegistry registry) {
    requests.forEach(
        (key, adder) ->
            FunctionCounter.builder("palisade_l7_requests", adder, LongAdder::doubleValue)
                .description("HTTP, gRPC and Kafka requests the node's embedded L7 proxy decided")
                .tag("direction", key.get(0))
                .tag("verdict", key.get(1))
                .register(registry));
  }

  @Override
  public Set<L7Parser> parsers() {
    return Set.of(L7Parser.HTTP, L7Parser.KAFKA, L7Parser.DNS);
  }

  @Override
  public Update prepare(LocalState local, Map<String, Long> ipcache) {
    NodeL7 l7 = NodeL7.of(local);
    NodeResources resources = L7Translator.translate(l7, ipcache, new Target.Envoy());
    KafkaConfig kafkaConfig = KafkaConfig.of(l7, ipcache);
    DnsNodeProxy.Update dnsUpdate = dns.prepare(local, ipcache);
    Set<Integer> ports = new TreeSet<>(kafkaConfig.ports());
    resources.listeners().forEach(l -> ports.add(l.getAddress().getSocketAddress().getPortValue()));
    ports.addAll(dnsUpdate.ports());
    return new Update() {
      @Override
      public Set<Integer> ports() {
        return Set.copyOf(ports);
      }

      @Override
      public Set<Integer> commit() {
        proxy.update(resources);
        kafka.update(kafkaConfig);
        dnsUpdate.commit().run();
        Set<Integer> ready = new TreeSet<>(proxy.readyPorts());
        ready.addAll(kafka.readyPorts());
        ready.addAll(dns.readyPorts());
        return ready;
      }
    };
  }

  @Override
  public void close() {
    dns.close();
    kafka.close();
    proxy.close();
  }
}
