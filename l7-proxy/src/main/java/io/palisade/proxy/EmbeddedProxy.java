package io.palisade.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.palisade.xds.NodeResources;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's own L7 proxy: it runs the listeners, filter chains, routes and RBAC that {@code
 * L7Translator} produces for Envoy, so one translation feeds both. Requests are decided on their
 * headers and forwarded to their original destination from sockets marked as already proxied.
 *
 * <p>Sockets belong to the network namespace of the thread that creates them: listening sockets are
 * created by the thread calling {@link #start} or {@link #update}, upstream sockets by the event
 * loop threads, which {@link #start} starts from its caller's thread. {@code update} and {@code
 * close} may be called from any thread; calls are serialised.
 */
public final class EmbeddedProxy implements AutoCloseable {

  private final ProxyOptions options;
  private final EpollEventLoopGroup group;
  private final Upstreams upstreams;
  private final AtomicReference<ProxyConfig> config = new AtomicReference<>(ProxyConfig.EMPTY);
  private final Map<Integer, List<Channel>> listening = new HashMap<>();
  private final Map<Integer, Integer> boundPorts = new HashMap<>();

  private EmbeddedProxy(ProxyOptions options, EpollEventLoopGroup group) {
    this.options = options;
    this.group = group;
    this.upstreams = new Upstreams(options.upstreamMark());
  }

  /**
   * Starts the event loops in the caller's thread (and so its network namespace); no listener yet.
   */
  public static EmbeddedProxy start(ProxyOptions options) {
    return new EmbeddedProxy(options, ProxyLoops.start(options.workerThreads()));
  }

  /**
   * Checks {@code resources} completely and applies them at once: new routes and RBAC for the next
   * request of every connection, open or not; listeners bound or closed only where the ports
   * change. A bad config throws {@link ProxyConfigException} and the last good one stays.
   */
  public synchronized void update(NodeResources resources) {
    ProxyConfig next = ProxyConfig.compile(resources);
    Map<Integer, List<Channel>> added = new HashMap<>();
    try {
      for (ListenerConfig l : next.listeners().values()) {
        if (!listening.containsKey(l.port())) {
          added.put(l.port(), bind(l));
        }
      }
    } catch (RuntimeException e) {
      added.values().forEach(chs -> chs.forEach(Channel::close));
      throw new ProxyConfigException(List.of("binding a listener failed: " + e.getMessage()));
    }
    listening.putAll(added);
    config.set(next);
    for (Integer port : new ArrayList<>(listening.keySet())) {
      if (!next.listeners().containsKey(port)) {
        listening.remove(port).forEach(ch -> ch.close().syncUninterruptibly());
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
      throw new IllegalArgumentException("no listener for port " + listenerPort);
    }
    return p;
  }

  private List<Channel> bind(ListenerConfig l) {
    List<String> addresses =
        options.bindAddress().isEmpty()
            ? bindAddresses(l.addresses())
            : List.of(options.bindAddress());
    int port = options.bindPort().applyAsInt(l.port());
    List<Channel> out = new ArrayList<>();
    try {
      for (String address : addresses) {
        ServerBootstrap b =
            new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer(l.port()));
        if (options.transparent()) {
          b.option(EpollChannelOption.IP_TRANSPARENT, true);
        }
        Channel ch = b.bind(new InetSocketAddress(address, port)).syncUninterruptibly().channel();
        out.add(ch);
        // Netty only logs a bootstrap option it could not set: read it back and refuse.
        if (options.transparent() && !ch.config().getOption(EpollChannelOption.IP_TRANSPARENT)) {
          throw new IllegalStateException(
              "IP_TRANSPARENT did not hold on the listener "
                  + address
                  + ":"
                  + port
                  + " (it needs CAP_NET_ADMIN)");
        }
        port = ((InetSocketAddress) ch.localAddress()).getPort();
      }
    } catch (RuntimeException e) {
      out.forEach(Channel::close);
      throw e;
    }
    boundPorts.put(l.port(), port);
    return out;
  }

  /** {@code ::} takes IPv4 too (dual stack), so binding it beside {@code 0.0.0.0} would clash. */
  private static List<String> bindAddresses(List<String> addresses) {
    return addresses.contains("::") ? List.of("::") : List.of(addresses.getFirst());
  }

  private ChannelInitializer<SocketChannel> initializer(int listenerPort) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        InetSocketAddress local = ch.localAddress();
        InetSocketAddress destination = options.originalDestination().of(local, ch.remoteAddress());
        Downstream conn =
            new Downstream(
                listenerPort,
                ch.remoteAddress(),
                destination,
                options.upstreamAddress().apply(destination),
                config::get,
                upstreams,
                options.events());
        if (!conn.hasChain()) {
          ch.close(); // Envoy closes a connection no filter chain takes.
          return;
        }
        ch.pipeline().addLast(new ProtocolSniffer(conn));
      }
    };
  }

  @Override
  public synchronized void close() {
    listening.values().forEach(chs -> chs.forEach(Channel::close));
    listening.clear();
    boundPorts.clear();
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
