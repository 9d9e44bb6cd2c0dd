package io.palisade.proxy.kafka;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.palisade.crds.api.PortRuleKafka;
import io.palisade.proxy.ProxyConfigException;
import io.palisade.proxy.ProxyLoops;
import io.palisade.proxy.ProxyOptions;
import io.palisade.proxy.Upstreams;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The node's Kafka-aware proxy: it listens on the Kafka redirect ports, reads each request with
 * Kafka's protocol classes, and passes to the original destination only what the connection's Kafka
 * rules admit ({@link KafkaGate}). It follows {@link io.palisade.proxy.EmbeddedProxy}'s threading:
 * listening sockets in the network namespace of the thread calling {@link #update}, upstream
 * sockets in that of the thread that called {@link #start}; {@code update} and {@code close} may be
 * called from any thread, and are serialised.
 */
public final class KafkaProxy implements AutoCloseable {

  private final ProxyOptions options;
  private final EpollEventLoopGroup group;
  private final Upstreams upstreams;
  private final KafkaGate gate = new KafkaGate(new TopicNames());
  private final AtomicReference<KafkaConfig> config = new AtomicReference<>(KafkaConfig.EMPTY);
  private final Map<Integer, Channel> listening = new HashMap<>();
  private final Map<Integer, Integer> boundPorts = new HashMap<>();

  private KafkaProxy(ProxyOptions options, EpollEventLoopGroup group) {
    this.options = options;
    this.group = group;
    this.upstreams = new Upstreams(options.upstreamMark());
  }

  /** Starts the event loops in the caller's thread (and network namespace); no listener yet. */
  public static KafkaProxy start(ProxyOptions options) {
    return new KafkaProxy(options, ProxyLoops.start(options.workerThreads()));
  }

  /**
   * Puts {@code next} in force for the next request of every connection, open or not, binding and
   * closing listeners where the ports change. A listener that cannot bind throws {@link
   * ProxyConfigException} and the last config stays.
   */
  public synchronized void update(KafkaConfig next) {
    Map<Integer, Channel> added = new HashMap<>();
    try {
      for (int port : next.ports()) {
        if (!listening.containsKey(port)) {
          added.put(port, bind(port));
        }
      }
    } catch (RuntimeException e) {
      added.values().forEach(Channel::close);
      throw new ProxyConfigException(List.of("binding a Kafka listener failed: " + e.getMessage()));
    }
    listening.putAll(added);
    config.set(next);
    for (Integer port : new TreeSet<>(listening.keySet())) {
      if (!next.ports().contains(port)) {
        listening.remove(port).close().syncUninterruptibly();
        boundPorts.remove(port);
      }
    }
  }

  /** Ports (as the config names them) listening with a config applied. */
  public synchronized Set<Integer> readyPorts() {
    return new TreeSet<>(listening.keySet());
  }

  /**
   * The port actually bound for a configured listener port (they differ only under a test hook).
   */
  public synchronized int localPort(int listenerPort) {
    Integer p = boundPorts.get(listenerPort);
    if (p == null) {
      throw new IllegalArgumentException("no Kafka listener for port " + listenerPort);
    }
    return p;
  }

  private Channel bind(int listenerPort) {
    String address = options.bindAddress().isEmpty() ? "::" : options.bindAddress();
    ServerBootstrap b =
        KafkaSockets.accepted(
            new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(initializer(listenerPort)));
    if (options.transparent()) {
      b.option(EpollChannelOption.IP_TRANSPARENT, true);
    }
    int port = options.bindPort().applyAsInt(listenerPort);
    Channel ch = b.bind(new InetSocketAddress(address, port)).syncUninterruptibly().channel();
    if (options.transparent() && !ch.config().getOption(EpollChannelOption.IP_TRANSPARENT)) {
      ch.close();
      throw new IllegalStateException(
          "IP_TRANSPARENT did not hold on the Kafka listener " + address + ":" + port);
    }
    boundPorts.put(listenerPort, ((InetSocketAddress) ch.localAddress()).getPort());
    return ch;
  }

  private ChannelInitializer<SocketChannel> initializer(int listenerPort) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        InetSocketAddress source = ch.remoteAddress();
        InetSocketAddress destination = options.originalDestination().of(ch.localAddress(), source);
        String direction =
            config
                .get()
                .direction(listenerPort)
                .map(d -> d.name().toLowerCase(Locale.ROOT))
                .orElse("");
        ch.pipeline()
            .addLast(KafkaConnection.requestFrames())
            .addLast(
                new KafkaConnection(
                    gate,
                    rules(listenerPort, source, destination),
                    direction,
                    source,
                    destination,
                    options.upstreamAddress().apply(destination),
                    upstreams,
                    options.events()));
      }
    };
  }

  /**
   * The connection's rules, worked out again only when the config changes: a connection's requests
   * are all decided on its event loop, so the memo needs no lock.
   */
  private Supplier<List<PortRuleKafka>> rules(
      int listenerPort, InetSocketAddress source, InetSocketAddress destination) {
    return new Supplier<>() {
      private KafkaConfig seen;
      private List<PortRuleKafka> rules;

      @Override
      public List<PortRuleKafka> get() {
        KafkaConfig current = config.get();
        if (current != seen) {
          rules =
              current.rulesFor(
                  listenerPort,
                  source.getAddress(),
                  destination.getAddress(),
                  destination.getPort());
          seen = current;
        }
        return rules;
      }
    };
  }

  @Override
  public synchronized void close() {
    listening.values().forEach(Channel::close);
    listening.clear();
    boundPorts.clear();
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
