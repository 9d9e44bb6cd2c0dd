package io.palisade.proxy.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * UDP queries to resolvers over a few shared sockets, bound once to random ports and marked as the
 * proxy's: a socket per query would cost more than the proxy may add. Each query leaves with an id
 * of the proxy's (random, unique among those in flight) and its answer is taken only from the
 * resolver it was sent to, carrying that id; the client's id is put back before the answer goes on.
 */
final class UdpUpstream implements AutoCloseable {

  private static final int SOCKETS = 4;

  private record Pending(
      InetSocketAddress server, byte[] clientId, CompletableFuture<byte[]> answer) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
  private final Channel[] sockets = new Channel[SOCKETS];
  private final Duration timeout;

  /** Binds the sockets in the calling thread's network namespace. */
  UdpUpstream(EventLoopGroup group, int mark, Duration timeout) {
    this.timeout = timeout;
    try {
      for (int i = 0; i < SOCKETS; i++) {
        Bootstrap b =
            new Bootstrap()
                .group(group)
                .channel(EpollDatagramChannel.class)
                .option(
                    ChannelOption.RCVBUF_ALLOCATOR,
                    new FixedRecvByteBufAllocator(DnsUpstream.MAX_MESSAGE))
                .handler(new Answers());
        if (mark != 0) {
          b.option(DnsUpstream.SO_MARK, mark);
        }
        Channel ch = b.bind(0).syncUninterruptibly().channel();
        sockets[i] = ch;
        if (mark != 0
            && !Integer.valueOf(mark).equals(ch.config().getOption(DnsUpstream.SO_MARK))) {
          throw new IllegalStateException("SO_MARK did not hold on an upstream DNS socket");
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  CompletableFuture<byte[]> exchange(InetSocketAddress server, byte[] query) {
    CompletableFuture<byte[]> answer = new CompletableFuture<>();
    if (query.length < 12) {
      answer.completeExceptionally(new IllegalArgumentException("not a DNS query"));
      return answer;
    }
    Pending p = new Pending(server, Arrays.copyOf(query, 2), answer);
    int id;
    do {
      id = random.nextInt(1 << 16);
    } while (pending.putIfAbsent(id, p) != null);
    int sent = id;
    byte[] wire = query.clone();
    wire[0] = (byte) (id >> 8);
    wire[1] = (byte) id;
    Channel ch = sockets[id % SOCKETS];
    ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(wire), server))
        .addListener(
            w -> {
              if (!w.isSuccess() && pending.remove(sent, p)) {
                answer.completeExceptionally(w.cause());
              }
            });
    var timer =
        ch.eventLoop()
            .schedule(
                () -> {
                  if (pending.remove(sent, p)) {
                    answer.completeExceptionally(
                        new TimeoutException("no answer from " + server + " within " + timeout));
                  }
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
    answer.whenComplete((a, e) -> timer.cancel(false));
    return answer;
  }

  /** Hands each answer to the query in flight with its id, from the resolver it was sent to. */
  private final class Answers extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      if (packet.content().readableBytes() < 12) {
        return;
      }
      byte[] wire = ByteBufUtil.getBytes(packet.content());
      int id = ((wire[0] & 0xff) << 8) | (wire[1] & 0xff);
      Pending p = pending.get(id);
      if (p == null || !same(p.server(), packet.sender()) || !pending.remove(id, p)) {
        return; // late, or not from the resolver asked: never an answer to anyone
      }
      wire[0] = p.clientId()[0];
      wire[1] = p.clientId()[1];
      p.answer().complete(wire);
    }
  }

  /** Equal addresses and ports, an IPv4 address and its IPv4-mapped IPv6 form alike. */
  private static boolean same(InetSocketAddress a, InetSocketAddress b) {
    return b != null && a.getPort() == b.getPort() && v4(a.getAddress()).equals(v4(b.getAddress()));
  }

  private static InetAddress v4(InetAddress a) {
    byte[] x = a.getAddress();
    if (x.length == 16) {
      boolean mapped = x[10] == (byte) 0xff && x[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = x[i] == 0;
      }
      if (mapped) {
        try {
          return InetAddress.getByAddress(Arrays.copyOfRange(x, 12, 16));
        } catch (java.net.UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return a;
  }

  @Override
  public void close() {
    for (Channel ch : sockets) {
      if (ch != null) {
        ch.close();
      }
    }
    pending.values().forEach(p -> p.answer().cancel(false));
    pending.clear();
  }
}
