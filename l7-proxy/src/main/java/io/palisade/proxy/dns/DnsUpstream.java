package io.palisade.proxy.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One query to the original resolver and its first answer, from sockets marked as the proxy's
 * ({@code SO_MARK}), so the datapath does not send them back to the proxy. UDP queries go over UDP
 * ({@link UdpUpstream}'s shared sockets), TCP queries over a TCP connection of their own, as the
 * client chose.
 */
final class DnsUpstream implements AutoCloseable {

  /** The largest DNS message over TCP, and more than any UDP answer. */
  static final int MAX_MESSAGE = 65535;

  /** {@code setsockopt(SOL_SOCKET, SO_MARK)}, as the HTTP proxy's upstreams set it. */
  static final IntegerUnixChannelOption SO_MARK = new IntegerUnixChannelOption("SO_MARK", 1, 36);

  private final EventLoopGroup group;
  private final int mark;
  private final Duration timeout;

  private final UdpUpstream udp;

  DnsUpstream(EventLoopGroup group, int mark, Duration timeout) {
    this.group = group;
    this.mark = mark;
    this.timeout = timeout;
    this.udp = new UdpUpstream(group, mark, timeout);
  }

  CompletableFuture<byte[]> exchange(InetSocketAddress server, byte[] query, boolean tcp) {
    return tcp ? overTcp(server, query) : udp.exchange(server, query);
  }

  /** A connection of its own per query: TCP answers are rare (truncation, zone transfers). */
  private CompletableFuture<byte[]> overTcp(InetSocketAddress server, byte[] query) {
    CompletableFuture<byte[]> answer = new CompletableFuture<>();
    Bootstrap b = new Bootstrap().group(group);
    if (mark != 0) {
      b.option(SO_MARK, mark);
    }
    b.channel(EpollSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(new LengthFieldBasedFrameDecoder(MAX_MESSAGE + 2, 0, 2, 0, 2))
                    .addLast(new LengthFieldPrepender(2))
                    .addLast(new FirstMessage(answer));
              }
            });
    b.connect(server)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                answer.completeExceptionally(f.cause());
                return;
              }
              Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
              // Netty only logs a bootstrap option it could not set: an unmarked query would be
              // redirected back to this proxy, so it does not leave.
              if (mark != 0 && !Integer.valueOf(mark).equals(ch.config().getOption(SO_MARK))) {
                ch.close();
                answer.completeExceptionally(
                    new IllegalStateException("SO_MARK did not hold on the upstream socket"));
                return;
              }
              ch.writeAndFlush(Unpooled.wrappedBuffer(query))
                  .addListener(
                      w -> {
                        if (!w.isSuccess()) {
                          answer.completeExceptionally(w.cause());
                        }
                      });
              var timer =
                  ch.eventLoop()
                      .schedule(
                          () ->
                              answer.completeExceptionally(
                                  new TimeoutException(
                                      "no answer from " + server + " within " + timeout)),
                          timeout.toMillis(),
                          TimeUnit.MILLISECONDS);
              answer.whenComplete(
                  (a, e) -> {
                    timer.cancel(false);
                    ch.close();
                  });
            });
    return answer;
  }

  @Override
  public void close() {
    udp.close();
  }

  /** Completes the future with the first message's bytes. */
  private static final class FirstMessage extends SimpleChannelInboundHandler<ByteBuf> {
    private final CompletableFuture<byte[]> answer;

    FirstMessage(CompletableFuture<byte[]> answer) {
      this.answer = answer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
      answer.complete(ByteBufUtil.getBytes(msg));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      answer.completeExceptionally(new java.io.IOException("the resolver closed the connection"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      answer.completeExceptionally(cause);
      ctx.close();
    }
  }
}
