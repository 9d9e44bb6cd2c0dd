package io.palisade.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;

/**
 * Reads a connection's first bytes to choose its protocol, as Envoy's {@code AUTO} codec does: the
 * HTTP/2 connection preface means h2c with prior knowledge, anything else HTTP/1.1. A TLS handshake
 * is closed: the proxy does not terminate TLS, and passing it through would let its requests past
 * RBAC.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

  private static final byte TLS_HANDSHAKE = 0x16;
  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  private final Downstream conn;

  ProtocolSniffer(Downstream conn) {
    this.conn = conn;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
    if (n == 0) {
      return;
    }
    if (in.getByte(in.readerIndex()) == TLS_HANDSHAKE) {
      in.skipBytes(in.readableBytes());
      ctx.close();
      return;
    }
    boolean h2 = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, 0, n);
    if (h2 && n < PREFACE.readableBytes()) {
      return; // Could still be the preface: wait for the rest.
    }
    if (h2) {
      Http2Relay.install(ctx.channel(), conn);
    } else {
      ctx.pipeline().addLast(new HttpServerCodec(8192, 65536, 8192), new Http1Relay(conn));
    }
    ctx.pipeline().remove(this); // Hands the bytes read so far to the chosen codec.
  }
}
