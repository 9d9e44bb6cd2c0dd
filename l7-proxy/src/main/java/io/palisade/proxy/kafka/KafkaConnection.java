package io.palisade.proxy.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import io.palisade.crds.api.PortRuleKafka;
import io.palisade.proxy.ProxyEvent;
import io.palisade.proxy.ProxyEventListener;
import io.palisade.proxy.Upstreams;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One client connection through the Kafka proxy. Requests are decided one frame at a time against
 * the rules in force at that moment; answers go back in request order, the proxy's own among the
 * broker's, since a client matches each answer to its oldest request outstanding. Both sides run on
 * the client connection's event loop, so none of this state is shared.
 *
 * <p>Frames are written as they are decided and flushed once per read batch: a producer pipelines
 * several requests and a broker answers them together, and one system call per batch instead of per
 * frame is most of what the proxy saves. What is written but not yet sent stays bounded: a side
 * whose queue passes its high water mark ({@link KafkaSockets}) stops the other side reading.
 */
final class KafkaConnection extends ChannelInboundHandlerAdapter {

  /** Kafka's own default for {@code socket.request.max.bytes}. */
  static final int MAX_REQUEST = 100 * 1024 * 1024;

  /** One answer the client waits for, in request order. */
  private static final class Pending {
    final int correlationId;
    final Optional<ResponseRewrite> rewrite;
    ByteBuf ready;

    Pending(int correlationId, Optional<ResponseRewrite> rewrite) {
      this.correlationId = correlationId;
      this.rewrite = rewrite;
    }
  }

  private final KafkaGate gate;
  private final Supplier<List<PortRuleKafka>> rules;
  private final String direction;
  private final InetSocketAddress source;
  private final InetSocketAddress destination;
  private final InetSocketAddress upstreamAddress;
  private final Upstreams upstreams;
  private final ProxyEventListener events;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private Channel client;
  private Channel broker;
  private boolean brokerWritten;
  private boolean clientWritten;

  KafkaConnection(
      KafkaGate gate,
      Supplier<List<PortRuleKafka>> rules,
      String direction,
      InetSocketAddress source,
      InetSocketAddress destination,
      InetSocketAddress upstreamAddress,
      Upstreams upstreams,
      ProxyEventListener events) {
    this.gate = gate;
    this.rules = rules;
    this.direction = direction;
    this.source = source;
    this.destination = destination;
    this.upstreamAddress = upstreamAddress;
    this.upstreams = upstreams;
    this.events = events;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    client = ctx.channel();
    client.config().setAutoRead(false);
    upstreams
        .connect(client.eventLoop(), upstreamAddress, new BrokerSide())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    broker = f.channel();
                    client.config().setAutoRead(true);
                  } else {
                    client.close();
                  }
                });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      ByteBuffer payload = frame.nioBuffer(frame.readerIndex() + 4, frame.readableBytes() - 4);
      KafkaVerdict verdict = gate.decide(payload, rules.get());
      report(verdict);
      switch (verdict) {
        case KafkaVerdict.Forward f -> {
          if (f.expectsResponse()) {
            pending.add(new Pending(f.correlationId(), f.rewrite()));
          }
          ByteBuf out =
              f.rewritten().map(Unpooled::wrappedBuffer).orElseGet(frame::retainedDuplicate);
          broker.write(out, broker.voidPromise());
          brokerWritten = true;
        }
        case KafkaVerdict.Answer a -> {
          Pending p = new Pending(a.correlationId(), Optional.empty());
          p.ready = Unpooled.wrappedBuffer(a.response());
          pending.add(p);
          drain();
        }
        case KafkaVerdict.Close c -> closeBoth();
      }
    } finally {
      frame.release();
    }
  }

  /** The end of a read batch from the client: what it let through goes out at once. */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    flushWritten();
  }

  private void flushWritten() {
    if (brokerWritten && broker != null) {
      brokerWritten = false;
      broker.flush();
    }
    if (clientWritten) {
      clientWritten = false;
      client.flush();
    }
  }

  private void report(KafkaVerdict verdict) {
    ProxyEvent.Verdict v =
        verdict instanceof KafkaVerdict.Forward
            ? ProxyEvent.Verdict.ALLOWED
            : ProxyEvent.Verdict.DENIED;
    try {
      events.onRequest(
          new ProxyEvent(
              direction,
              source,
              destination,
              "kafka",
              verdict.description(),
              Optional.empty(),
              Optional.empty(),
              v,
              verdict.description()));
    } catch (RuntimeException e) {
      // A listener's failure must not decide a request; the verdict stands.
    }
  }

  /** A broker answer: it must be for the oldest request the broker holds. */
  private void onResponse(ByteBuf frame) {
    try {
      Pending head = pending.stream().filter(p -> p.ready == null).findFirst().orElse(null);
      int correlationId = frame.getInt(frame.readerIndex() + 4);
      if (head == null || head.correlationId != correlationId) {
        closeBoth(); // an answer to nothing asked: the two sides no longer agree
        return;
      }
      if (head.rewrite.isPresent()) {
        ByteBuffer body = frame.nioBuffer(frame.readerIndex() + 4, frame.readableBytes() - 4);
        head.ready = Unpooled.wrappedBuffer(head.rewrite.get().apply(body));
      } else {
        head.ready = frame.retainedDuplicate();
      }
      drain();
    } catch (RuntimeException e) {
      closeBoth(); // an answer the proxy cannot filter is not passed on
    } finally {
      frame.release();
    }
  }

  /** Writes the answers ready in request order; the end of the read batch flushes them. */
  private void drain() {
    while (!pending.isEmpty() && pending.peek().ready != null) {
      client.write(pending.poll().ready, client.voidPromise());
      clientWritten = true;
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (broker != null) {
      broker.config().setAutoRead(client.isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeBoth();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    closeBoth(); // a frame too large or a socket error: nothing unparsed passes
  }

  /**
   * Closes both sides. What was decided before the cause still leaves first, as it would have had
   * each frame been sent on its own.
   */
  private void closeBoth() {
    flushWritten();
    pending.forEach(p -> ReferenceCountUtil.release(p.ready));
    pending.clear();
    if (client != null) {
      client.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  /** The broker's side: response frames back to the client connection. */
  private final class BrokerSide extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.pipeline()
          .addBefore(
              ctx.name(), null, new LengthFieldBasedFrameDecoder(Integer.MAX_VALUE, 0, 4, 0, 0));
      KafkaSockets.upstream(ctx.channel().config());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      onResponse((ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      flushWritten();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      client.config().setAutoRead(ctx.channel().isWritable());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closeBoth();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      closeBoth();
    }
  }

  static LengthFieldBasedFrameDecoder requestFrames() {
    return new LengthFieldBasedFrameDecoder(MAX_REQUEST, 0, 4, 0, 0);
  }
}
