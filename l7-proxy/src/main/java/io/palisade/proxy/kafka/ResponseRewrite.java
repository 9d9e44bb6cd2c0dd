package io.palisade.proxy.kafka;

import java.nio.ByteBuffer;

/**
 * Changes a broker's response before the client sees it (metadata filtered to the topics the client
 * may use, API versions narrowed to what the proxy parses).
 */
@FunctionalInterface
interface ResponseRewrite {

  /** {@code frame} is the response without its size; returns the whole new frame, size included. */
  ByteBuffer apply(ByteBuffer frame);
}
