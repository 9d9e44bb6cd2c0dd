package io.palisade.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Map.Entry;

/**
 * HTTP/1.1 through the proxy: each request decided on its headers, then streamed to one upstream
 * connection per downstream connection (keep-alive on both sides), one request at a time; pipelined
 * requests wait their turn. A refused request is answered here and its body dropped. Upgrades
 * (WebSocket, h2c) and CONNECT are refused: what follows them is not HTTP this proxy can decide.
 */
final class Http1Relay extends ChannelInboundHandlerAdapter {

  private final Downstream conn;
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private ChannelFuture upstream;
  private boolean inFlight;
  private boolean discarding;
  private boolean closeAfterResponse;
  private boolean responseStarted;
  private boolean informational;

  Http1Relay(Downstream conn) {
    this.conn = conn;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!waiting.isEmpty() || (inFlight && msg instanceof HttpRequest)) {
      waiting.add(msg);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    process(msg);
  }

  private void process(Object msg) {
    if (msg instanceof HttpRequest req) {
      request(req);
    }
    if (msg instanceof HttpContent content) {
      if (discarding) {
        content.release();
        if (content instanceof LastHttpContent) {
          discarding = false;
          if (closeAfterResponse) {
            ctx.close();
          }
          drain();
        }
      } else {
        toUpstream(content, content instanceof LastHttpContent);
      }
    }
  }

  private void request(HttpRequest req) {
    if (req.decoderResult().isFailure()) {
      // The decoder reads nothing more of a connection it cannot parse: answer and close.
      ReferenceCountUtil.release(req);
      ctx.writeAndFlush(Responses.http1(HttpResponseStatus.BAD_REQUEST, "Bad request", false))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    String path = req.uri();
    if (req.headers().contains(HttpHeaderNames.UPGRADE) || req.method() == HttpMethod.CONNECT) {
      conn.decide(req.method().name(), path, Map.of(), false);
      refuse(req, HttpResponseStatus.FORBIDDEN, "Upgrade and CONNECT are not supported", false);
      return;
    }
    Map<String, List<String>> headers = new HashMap<>();
    for (Entry<String, String> h : req.headers()) {
      headers
          .computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(h.getValue());
    }
    headers.put(":method", List.of(req.method().name()));
    headers.put(":path", List.of(path));
    headers.put(":scheme", List.of("http"));
    String host = req.headers().get(HttpHeaderNames.HOST);
    if (host != null) {
      headers.put(":authority", List.of(host));
    }
    switch (conn.decide(req.method().name(), path, headers, false)) {
      case ProxyConfig.Outcome.Forward f -> {
        inFlight = true;
        responseStarted = false;
        closeAfterResponse = !keepAlive;
        toUpstream(req, false);
      }
      case ProxyConfig.Outcome.Deny d ->
          refuse(req, HttpResponseStatus.FORBIDDEN, Responses.ACCESS_DENIED, keepAlive);
      case ProxyConfig.Outcome.NoRoute n ->
          refuse(req, HttpResponseStatus.NOT_FOUND, "", keepAlive);
    }
  }

  private void refuse(HttpRequest req, HttpResponseStatus status, String body, boolean keepAlive) {
    ReferenceCountUtil.release(req);
    discarding = true;
    closeAfterResponse = !keepAlive;
    ctx.writeAndFlush(Responses.http1(status, body, keepAlive));
  }

  private void toUpstream(Object msg, boolean flush) {
    if (upstream == null) {
      upstream = connect();
    }
    if (upstream.isDone() && upstream.isSuccess()) {
      write(upstream.channel(), msg, flush);
    } else {
      // Listeners run in the order they were added, on this loop: the request keeps its order.
      upstream.addListener(
          (ChannelFutureListener)
              f -> {
                if (f.isSuccess()) {
                  write(f.channel(), msg, flush);
                } else {
                  ReferenceCountUtil.release(msg);
                }
              });
    }
  }

  private static void write(Channel ch, Object msg, boolean flush) {
    if (flush) {
      ch.writeAndFlush(msg);
    } else {
      ch.write(msg);
    }
  }

  private ChannelFuture connect() {
    ChannelFuture f =
        conn.upstreams()
            .connect(
                ctx.channel().eventLoop(),
                conn.upstream(),
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new ResponseRelay());
                  }
                });
    f.addListener(
        (ChannelFutureListener)
            done -> {
              if (!done.isSuccess()) {
                upstreamGone();
              } else {
                done.channel().closeFuture().addListener(c -> upstreamGone());
              }
            });
    return f;
  }

  /** The upstream is gone: a request still waiting for its answer gets Envoy's 503. */
  private void upstreamGone() {
    upstream = null;
    if (inFlight && !responseStarted) {
      inFlight = false;
      discarding = false;
      ctx.writeAndFlush(
              Responses.http1(
                  HttpResponseStatus.SERVICE_UNAVAILABLE,
                  "upstream connect error or disconnect/reset before headers",
                  false))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (inFlight) {
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (upstream != null && upstream.isDone() && upstream.isSuccess()) {
      upstream.channel().flush();
    }
  }

  /** A client slower than its upstream stops the upstream's reads rather than fill memory. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (upstream != null && upstream.isDone() && upstream.isSuccess()) {
      upstream.channel().config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    waiting.forEach(ReferenceCountUtil::release);
    waiting.clear();
    if (upstream != null) {
      upstream.channel().close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Requests that arrived while another was in flight, in order, until one is in flight again. */
  private void drain() {
    while (!waiting.isEmpty() && !inFlight && ctx.channel().isActive()) {
      process(waiting.poll());
    }
    if (waiting.isEmpty() && ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /** The upstream's response, streamed back; its end frees the connection for the next request. */
  private final class ResponseRelay extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext up, Object msg) {
      if (!(msg instanceof HttpObject)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpResponse r) {
        responseStarted = true;
        int code = r.status().code();
        informational = code >= 100 && code < 200;
        if (!HttpUtil.isKeepAlive(r)) {
          closeAfterResponse = true;
        }
      }
      boolean last = msg instanceof LastHttpContent;
      ctx.write(msg);
      if (last && !informational) {
        inFlight = false;
        if (closeAfterResponse) {
          ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
          return;
        }
        ctx.flush();
        drain();
      } else if (last) {
        informational = false;
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext up) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext up, Throwable cause) {
      up.close();
    }
  }
}
