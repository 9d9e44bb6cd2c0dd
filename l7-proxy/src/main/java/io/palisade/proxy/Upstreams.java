package io.palisade.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
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
public final class Upstreams {

  /** {@code setsockopt(SOL_SOCKET, SO_MARK)}: Netty's epoll transport has no named option. */
  static final IntegerUnixChannelOption SO_MARK = new IntegerUnixChannelOption("SO_MARK", 1, 36);

  private final int mark;

  public Upstreams(int mark) {
    this.mark = mark;
  }

  public ChannelFuture connect(EventLoop loop, InetSocketAddress address, ChannelHandler handler) {
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .channel(EpollSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    mark(ch);
                    ch.pipeline().addLast(handler);
                  }
                });
    return b.connect(address);
  }

  /**
   * Sets the mark before the connection is made, so its first packet carries it. A bootstrap option
   * that fails is only logged by Netty; here a failure throws, which closes the channel and fails
   * the connection, and the value is read back.
   */
  private void mark(Channel ch) {
    if (mark == 0) {
      return;
    }
    ch.config().setOption(SO_MARK, mark);
    Integer set = ch.config().getOption(SO_MARK);
    if (set == null || set != mark) {
      throw new ChannelException(
          "SO_MARK " + mark + " did not hold on the upstream socket: " + set);
    }
  }
}
