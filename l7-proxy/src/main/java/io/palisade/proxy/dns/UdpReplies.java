package io.palisade.proxy.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends UDP answers from the address the client asked: a redirected query was addressed to its
 * resolver, and a client (glibc, musl) drops an answer from any other address. The datapath
 * assigned the query to the proxy's socket, so the answer leaves from a transparent socket bound to
 * the resolver's address and port, one per resolver, kept while the proxy runs.
 */
final class UdpReplies implements AutoCloseable {

  private final EventLoopGroup group;
  private final Map<InetSocketAddress, ChannelFuture> sockets = new ConcurrentHashMap<>();

  UdpReplies(EventLoopGroup group) {
    this.group = group;
  }

  /**
   * Sends {@code answer} to {@code client} from {@code from}: through {@code listener} when it is
   * the listener's own address (a client that asked the proxy directly), else from a transparent
   * socket bound there.
   */
  void send(Channel listener, InetSocketAddress from, InetSocketAddress client, byte[] answer) {
    InetSocketAddress own = (InetSocketAddress) listener.localAddress();
    if (from == null
        || from.getPort() == own.getPort()
            && (own.getAddress().isAnyLocalAddress() || own.equals(from))) {
      listener.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(answer), client));
      return;
    }
    sockets
        .computeIfAbsent(from, this::bind)
        .addListener(
            f -> {
              ChannelFuture bound = (ChannelFuture) f;
              if (bound.isSuccess()) {
                bound
                    .channel()
                    .writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(answer), client));
              } else {
                sockets.remove(from, bound); // the next answer tries again; the client retries
              }
            });
  }

  private ChannelFuture bind(InetSocketAddress address) {
    return new Bootstrap()
        .group(group)
        .channel(EpollDatagramChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(EpollChannelOption.IP_TRANSPARENT, true)
        .handler(new ChannelInboundHandlerAdapter())
        .bind(address);
  }

  @Override
  public void close() {
    sockets.values().forEach(f -> f.channel().close());
    sockets.clear();
  }
}
