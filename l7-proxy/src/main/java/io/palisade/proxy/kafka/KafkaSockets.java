package io.palisade.proxy.kafka;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;

/**
 * The socket settings of both sides of a Kafka proxy connection, in one place. Produce requests are
 * batches of tens of kilobytes: reads sized for them keep a request in one buffer (a request split
 * over reads is copied to be joined), and write buffers that hold a few of them keep the producer's
 * pipelined requests flowing instead of pausing reads after each one, while still bounding what a
 * connection holds in memory.
 */
final class KafkaSockets {

  /** Smallest, first and largest read, in bytes: Netty adapts between them to what arrives. */
  static final int READ_MIN = 1024;

  static final int READ_INITIAL = 64 * 1024;
  static final int READ_MAX = 1024 * 1024;

  /**
   * Bytes queued for one side above which the other side stops reading, and below which it reads
   * again: two of the largest requests a producer sends by default ({@code max.request.size}, 1
   * MiB), or dozens of its batches, per connection.
   */
  static final int WRITE_LOW = 512 * 1024;

  static final int WRITE_HIGH = 2 * 1024 * 1024;

  private KafkaSockets() {}

  /** The client side: accepted connections. */
  static ServerBootstrap accepted(ServerBootstrap b) {
    return b.childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, reads())
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, writes());
  }

  /**
   * The broker side, set before it connects. Nagle is off on both sides: a request or answer is
   * written whole once per read, and waiting for an ack before sending a short answer (a refusal,
   * an ApiVersions) would add tens of milliseconds to it.
   */
  static void upstream(ChannelConfig config) {
    config.setOption(ChannelOption.TCP_NODELAY, true);
    config.setRecvByteBufAllocator(reads());
    config.setWriteBufferWaterMark(writes());
  }

  private static AdaptiveRecvByteBufAllocator reads() {
    return new AdaptiveRecvByteBufAllocator(READ_MIN, READ_INITIAL, READ_MAX);
  }

  private static WriteBufferWaterMark writes() {
    return new WriteBufferWaterMark(WRITE_LOW, WRITE_HIGH);
  }
}
