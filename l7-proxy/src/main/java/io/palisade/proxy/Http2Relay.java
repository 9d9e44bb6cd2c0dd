package io.palisade.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/2 (h2c with prior knowledge, as gRPC speaks it) through the proxy: each downstream stream is
 * decided on its headers, then mapped to a stream of one upstream HTTP/2 connection per downstream
 * connection; frames are relayed both ways and a reset on one side resets the other. A refused
 * stream is answered here: {@code 403 Access denied}, or for gRPC a trailers-only {@code
 * grpc-status: 7} (PERMISSION_DENIED).
 */
final class Http2Relay {

  private final Downstream conn;
  private final Channel downstream;
  private Future<Channel> upstream;

  private Http2Relay(Downstream conn, Channel downstream) {
    this.conn = conn;
    this.downstream = downstream;
    downstream
        .closeFuture()
        .addListener(
            f -> {
              if (upstream != null && upstream.isSuccess()) {
                upstream.getNow().close();
              }
            });
  }

  /** Turns {@code ch}'s pipeline into an HTTP/2 server whose streams go through the relay. */
  static void install(Channel ch, Downstream conn) {
    Http2Relay relay = new Http2Relay(conn, ch);
    ch.pipeline()
        .addLast(
            Http2FrameCodecBuilder.forServer().autoAckSettingsFrame(true).build(),
            new Http2MultiplexHandler(
                new ChannelInitializer<Http2StreamChannel>() {
                  @Override
                  protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast(relay.new StreamRelay());
                  }
                }));
  }

  /**
   * The upstream HTTP/2 connection, ready once its preface is out: the connect promise completes
   * before the channel is active, and a stream opened then would precede the preface.
   */
  private Future<Channel> upstream() {
    if (upstream == null) {
      Promise<Channel> ready = downstream.eventLoop().newPromise();
      upstream = ready;
      conn.upstreams()
          .connect(
              downstream.eventLoop(),
              conn.upstream(),
              new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                  ch.pipeline()
                      .addLast(
                          Http2FrameCodecBuilder.forClient().build(),
                          new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                          new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                              ctx.fireChannelActive();
                              ready.trySuccess(ctx.channel());
                            }
                          });
                }
              })
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (!f.isSuccess()) {
                      upstream = null;
                      ready.tryFailure(f.cause());
                    } else {
                      f.channel()
                          .closeFuture()
                          .addListener(
                              c -> {
                                if (upstream == ready) {
                                  upstream = null;
                                }
                              });
                    }
                  });
    }
    return upstream;
  }

  /** One downstream stream. */
  private final class StreamRelay extends ChannelInboundHandlerAdapter {

    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private Http2StreamChannel peer;
    private boolean decided;
    private boolean refused;
    private boolean grpc;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2ResetFrame) {
        ctx.close();
        return;
      }
      if (!decided && msg instanceof Http2HeadersFrame h) {
        decided = true;
        decide(ctx, h);
        return;
      }
      if (refused || !decided) {
        ReferenceCountUtil.release(msg);
        return;
      }
      Object copy = copy(msg);
      if (copy == null) {
        return;
      }
      if (peer == null) {
        pending.add(copy);
      } else {
        peer.write(copy);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (peer != null) {
        peer.flush();
      }
    }

    private void decide(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
      Http2Headers headers = frame.headers();
      Map<String, List<String>> facts = new HashMap<>();
      for (Map.Entry<CharSequence, CharSequence> e : headers) {
        facts
            .computeIfAbsent(e.getKey().toString(), k -> new ArrayList<>())
            .add(e.getValue().toString());
      }
      String method = String.valueOf(headers.method());
      String path = String.valueOf(headers.path());
      grpc = Responses.isGrpc(headers.get(HttpHeaderNames.CONTENT_TYPE));
      switch (conn.decide(method, path, facts, grpc)) {
        case ProxyConfig.Outcome.Forward f -> {
          pending.add(new DefaultHttp2HeadersFrame(headers, frame.isEndStream(), frame.padding()));
          open(ctx);
        }
        case ProxyConfig.Outcome.Deny d ->
            refuse(
                ctx,
                HttpResponseStatus.FORBIDDEN,
                Responses.GRPC_PERMISSION_DENIED,
                Responses.ACCESS_DENIED);
        case ProxyConfig.Outcome.NoRoute n ->
            refuse(ctx, HttpResponseStatus.NOT_FOUND, Responses.GRPC_UNIMPLEMENTED, "");
      }
    }

    private void refuse(
        ChannelHandlerContext ctx, HttpResponseStatus status, int grpcStatus, String body) {
      refused = true;
      if (grpc) {
        ctx.writeAndFlush(
            new DefaultHttp2HeadersFrame(
                Responses.grpc(grpcStatus, body.isEmpty() ? status.reasonPhrase() : body), true));
        return;
      }
      ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
      if (content.readableBytes() == 0) {
        content.release();
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(Responses.http2(status, 0), true));
        return;
      }
      ctx.write(
          new DefaultHttp2HeadersFrame(Responses.http2(status, content.readableBytes()), false));
      ctx.writeAndFlush(new DefaultHttp2DataFrame(content, true));
    }

    private void open(ChannelHandlerContext ctx) {
      upstream()
          .addListener(
              (Future<Channel> f) -> {
                if (!f.isSuccess()) {
                  unavailable(ctx);
                  return;
                }
                new Http2StreamChannelBootstrap(f.getNow())
                    .handler(new ResponseRelay(ctx.channel()))
                    .open()
                    .addListener(
                        (Future<Http2StreamChannel> s) -> {
                          if (!s.isSuccess()) {
                            unavailable(ctx);
                            return;
                          }
                          peer = s.getNow();
                          if (!ctx.channel().isActive()) {
                            peer.close();
                            return;
                          }
                          while (!pending.isEmpty()) {
                            peer.write(pending.poll());
                          }
                          peer.flush();
                        });
              });
    }

    /** Envoy's answer when the upstream cannot be reached. */
    private void unavailable(ChannelHandlerContext ctx) {
      pending.forEach(ReferenceCountUtil::release);
      pending.clear();
      refused = true;
      if (grpc) {
        ctx.writeAndFlush(
            new DefaultHttp2HeadersFrame(
                Responses.grpc(Responses.GRPC_UNAVAILABLE, "upstream connect error"), true));
      } else {
        ctx.writeAndFlush(
            new DefaultHttp2HeadersFrame(
                Responses.http2(HttpResponseStatus.SERVICE_UNAVAILABLE, 0), true));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      pending.forEach(ReferenceCountUtil::release);
      pending.clear();
      if (peer != null) {
        peer.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** One upstream stream's response, relayed to its downstream stream. */
  private static final class ResponseRelay extends ChannelInboundHandlerAdapter {

    private final Channel down;

    ResponseRelay(Channel down) {
      this.down = down;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2ResetFrame) {
        down.close();
        return;
      }
      Object copy = copy(msg);
      if (copy != null) {
        down.write(copy);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      down.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      // A stream both sides ended closes quietly; one the upstream dropped resets the client's.
      down.flush();
      down.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /**
   * A frame for the other connection: a stream frame names its stream, so it is rebuilt; the data
   * buffer moves over without a copy. Other frames (window updates, unknown ones) stay on their
   * side.
   */
  private static Object copy(Object msg) {
    if (msg instanceof Http2HeadersFrame h) {
      return new DefaultHttp2HeadersFrame(h.headers(), h.isEndStream(), h.padding());
    }
    if (msg instanceof Http2DataFrame d) {
      return new DefaultHttp2DataFrame(d.content(), d.isEndStream(), d.padding());
    }
    ReferenceCountUtil.release(msg);
    return null;
  }
}
