package io.palisade.proxy.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.palisade.proxy.ProxyLoops;
import io.palisade.proxy.ProxyOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's DNS proxy, over UDP and TCP on each of its ports: queries the datapath redirects here
 * are checked against a {@link DnsPolicy}, refused ones answered REFUSED, the others forwarded to
 * the resolver the client asked, and answers with addresses held until a {@link DnsAnswerListener}
 * has learned them. Messages are read and written by dnsjava; sockets are Netty's native epoll
 * ones, transparent and marked as {@link ProxyOptions} say.
 *
 * <p>Sockets belong to the network namespace of the thread that creates them: listening sockets
 * that of the thread calling {@link #listen}, upstream and answer sockets that of the thread that
 * called {@link #start}, which also starts the listener thread. {@code listen}, {@code policy} and
 * {@code close} may be called from any thread.
 */
public final class DnsProxy implements AutoCloseable {

  /** How long the resolver has to answer before the client gets SERVFAIL. */
  public static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(5);

  private static final int MAX_UDP_QUERY = 4096;

  private final ProxyOptions options;
  private final EpollEventLoopGroup group;
  private final ExecutorService listenerThread;
  private final AtomicReference<DnsPolicy> policy = new AtomicReference<>(DnsPolicy.REFUSE_ALL);
  private final DnsExchange.DnsCounts counts = new DnsExchange.DnsCounts();
  private final DnsExchange exchange;
  private final DnsUpstream upstream;
  private final UdpReplies replies;
  private final Map<Integer, List<Channel>> listening = new HashMap<>();
  private final Map<Integer, Integer> boundPorts = new HashMap<>();

  private DnsProxy(ProxyOptions options, DnsAnswerListener listener, EpollEventLoopGroup group) {
    this.options = options;
    this.group = group;
    this.listenerThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "palisade-dns-learn");
              t.setDaemon(true);
              return t;
            });
    this.replies = new UdpReplies(group);
    this.upstream = new DnsUpstream(group, options.upstreamMark(), UPSTREAM_TIMEOUT);
    this.exchange = new DnsExchange(policy::get, upstream, listener, listenerThread, counts);
  }

  /**
   * Starts the event loops and the listener thread in the caller's thread (and so its network
   * namespace); no port listens yet and every query would be refused.
   */
  public static DnsProxy start(ProxyOptions options, DnsAnswerListener listener) {
    DnsProxy proxy = new DnsProxy(options, listener, ProxyLoops.start(options.workerThreads()));
    try {
      proxy.listenerThread.submit(() -> {}).get();
    } catch (Exception e) {
      proxy.close();
      throw new IllegalStateException("the DNS proxy did not start: " + e.getMessage(), e);
    }
    return proxy;
  }

  /** The policy for every query from now on, open connections included. */
  public void policy(DnsPolicy next) {
    policy.set(next);
  }

  /**
   * Listens on exactly {@code ports} (UDP and TCP each), binding the new ones and closing the
   * others; a port that cannot be bound throws, and the ports listening before stay.
   */
  public synchronized void listen(Set<Integer> ports) {
    Map<Integer, List<Channel>> added = new HashMap<>();
    try {
      for (int port : ports) {
        if (!listening.containsKey(port)) {
          added.put(port, bind(port));
        }
      }
    } catch (RuntimeException e) {
      added.values().forEach(chs -> chs.forEach(Channel::close));
      throw new IllegalStateException("the DNS proxy cannot listen: " + e.getMessage(), e);
    }
    listening.putAll(added);
    for (Integer port : new ArrayList<>(listening.keySet())) {
      if (!ports.contains(port)) {
        listening.remove(port).forEach(ch -> ch.close().syncUninterruptibly());
        boundPorts.remove(port);
      }
    }
  }

  public synchronized Set<Integer> readyPorts() {
    return new TreeSet<>(listening.keySet());
  }

  /** The port bound for a configured port (they differ only under a test hook). */
  public synchronized int localPort(int port) {
    Integer p = boundPorts.get(port);
    if (p == null) {
      throw new IllegalArgumentException("the DNS proxy does not listen on " + port);
    }
    return p;
  }

  /** What the proxy did so far. */
  public Counts counts() {
    return new Counts(
        counts.allowed.sum(),
        counts.refused.sum(),
        counts.malformed.sum(),
        counts.upstreamFailures.sum(),
        counts.unlearned.sum());
  }

  /**
   * Queries forwarded, refused, malformed (dropped or FORMERR), failed upstream (SERVFAIL), and
   * answered SERVFAIL because the node could not learn their addresses.
   */
  public record Counts(
      long allowed, long refused, long malformed, long upstreamFailures, long unlearned) {}

  /**
   * Binds UDP and TCP on one port. When the kernel picks the port (a test hook asks for 0), UDP
   * gets it, and TCP may find the same number taken: then both are tried again on a new one.
   */
  private List<Channel> bind(int port) {
    int want = options.bindPort().applyAsInt(port);
    for (int attempt = 1; ; attempt++) {
      try {
        return bind(port, want);
      } catch (RuntimeException e) {
        if (want != 0 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private List<Channel> bind(int port, int want) {
    String address = options.bindAddress().isEmpty() ? "0.0.0.0" : options.bindAddress();
    List<Channel> out = new ArrayList<>();
    try {
      Bootstrap udp =
          new Bootstrap()
              .group(group)
              .channel(EpollDatagramChannel.class)
              .option(ChannelOption.SO_REUSEADDR, true)
              .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_UDP_QUERY))
              .handler(new UdpQueries());
      if (options.transparent()) {
        // The query's original destination comes with each datagram (IP_RECVORIGDSTADDR).
        udp.option(EpollChannelOption.IP_TRANSPARENT, true)
            .option(EpollChannelOption.IP_RECVORIGDSTADDR, true);
      }
      Channel u = udp.bind(new InetSocketAddress(address, want)).syncUninterruptibly().channel();
      out.add(u);
      int bound = ((InetSocketAddress) u.localAddress()).getPort();
      ServerBootstrap tcp =
          new ServerBootstrap()
              .group(group)
              .channel(EpollServerSocketChannel.class)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new TcpQueries());
      if (options.transparent()) {
        tcp.option(EpollChannelOption.IP_TRANSPARENT, true);
      }
      out.add(tcp.bind(new InetSocketAddress(address, bound)).syncUninterruptibly().channel());
      for (Channel ch : out) {
        // Netty only logs an option it could not set: read it back and refuse.
        if (options.transparent() && !ch.config().getOption(EpollChannelOption.IP_TRANSPARENT)) {
          throw new IllegalStateException(
              "IP_TRANSPARENT did not hold on " + ch.localAddress() + " (it needs CAP_NET_ADMIN)");
        }
      }
      boundPorts.put(port, bound);
      return out;
    } catch (RuntimeException e) {
      out.forEach(Channel::close);
      throw e;
    }
  }

  /** Queries over UDP: one datagram, one query. */
  private final class UdpQueries extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
      Channel listener = ctx.channel();
      InetSocketAddress client = p.sender();
      InetSocketAddress local =
          p.recipient() != null ? p.recipient() : (InetSocketAddress) listener.localAddress();
      InetSocketAddress server = options.originalDestination().of(local, client);
      exchange.handle(
          ByteBufUtil.getBytes(p.content()),
          client,
          server,
          options.upstreamAddress().apply(server),
          false,
          answer -> replies.send(listener, local, client, answer));
    }
  }

  /** Queries over TCP: two-byte length prefixes, any number per connection. */
  private final class TcpQueries extends ChannelInitializer<SocketChannel> {
    @Override
    protected void initChannel(SocketChannel ch) {
      InetSocketAddress client = ch.remoteAddress();
      InetSocketAddress server = options.originalDestination().of(ch.localAddress(), client);
      InetSocketAddress upstream = options.upstreamAddress().apply(server);
      ch.pipeline()
          .addLast(new LengthFieldBasedFrameDecoder(DnsUpstream.MAX_MESSAGE + 2, 0, 2, 0, 2))
          .addLast(new LengthFieldPrepender(2))
          .addLast(
              new SimpleChannelInboundHandler<ByteBuf>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                  exchange.handle(
                      ByteBufUtil.getBytes(frame),
                      client,
                      server,
                      upstream,
                      true,
                      answer -> ch.writeAndFlush(Unpooled.wrappedBuffer(answer)));
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                  ctx.close(); // a frame too long or a reset: the client may retry
                }
              });
    }
  }

  @Override
  public synchronized void close() {
    listening.values().forEach(chs -> chs.forEach(Channel::close));
    listening.clear();
    boundPorts.clear();
    replies.close();
    upstream.close();
    listenerThread.shutdownNow();
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
