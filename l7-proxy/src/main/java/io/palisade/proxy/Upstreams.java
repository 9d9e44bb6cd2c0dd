package io.palisade.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.InetSocketAddress;

/**
 * Opens upstream connections on the downstream connection's own event loop (so both sides run on
 * one thread, in the network namespace the loop was started in), marked with SO_MARK so that the
 * datapath does not redirect them to the proxy again. A mark that cannot be set fails the
 * connection.
 */
final class Upstreams {

  /** {@code setsockopt(SOL_SOCKET, SO_MARK)}: Netty's epoll transport has no named option. */
  static final IntegerUnixChannelOption SO_MARK = new IntegerUnixChannelOption("SO_MARK", 1, 36);

  private final int mark;

  Upstreams(int mark) {
    this.mark = mark;
  }

  ChannelFuture connect(EventLoop loop, InetSocketAddress address, ChannelHandler handler) {
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .channel(EpollSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
            .handler(handler);
    if (mark != 0) {
      b.option(SO_MARK, mark);
    }
    return b.connect(address);
  }
}
