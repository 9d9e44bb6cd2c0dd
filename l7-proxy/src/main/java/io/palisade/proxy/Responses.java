package io.palisade.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;

/**
 * The proxy's own answers, as Envoy gives them: {@code 403 Access denied} for a refused HTTP
 * request; for gRPC a trailers-only response (HTTP 200, {@code grpc-status}) since a gRPC client
 * reads the status from trailers, not the HTTP status.
 */
final class Responses {

  static final String ACCESS_DENIED = "Access denied";
  static final int GRPC_PERMISSION_DENIED = 7;
  static final int GRPC_UNIMPLEMENTED = 12;
  static final int GRPC_UNAVAILABLE = 14;

  private Responses() {}

  static FullHttpResponse http1(HttpResponseStatus status, String body, boolean keepAlive) {
    ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    if (!keepAlive) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return r;
  }

  static Http2Headers http2(HttpResponseStatus status, int length) {
    return new DefaultHttp2Headers()
        .status(status.codeAsText())
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, length);
  }

  static Http2Headers grpc(int status, String message) {
    return new DefaultHttp2Headers()
        .status(HttpResponseStatus.OK.codeAsText())
        .set(HttpHeaderNames.CONTENT_TYPE, "application/grpc")
        .setInt("grpc-status", status)
        .set("grpc-message", message);
  }

  static boolean isGrpc(CharSequence contentType) {
    return contentType != null && contentType.toString().startsWith("application/grpc");
  }
}
