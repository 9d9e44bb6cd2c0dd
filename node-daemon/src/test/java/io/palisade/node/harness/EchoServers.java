package io.palisade.node.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/** TCP and UDP echo servers inside one namespace, on the wildcard address of both families. */
public final class EchoServers implements AutoCloseable {

  private final List<java.nio.channels.Channel> channels = new ArrayList<>();

  private EchoServers() {}

  public static EchoServers start(NetNs ns, List<Integer> tcpPorts, List<Integer> udpPorts) {
    EchoServers s = new EchoServers();
    for (int port : tcpPorts) {
      ServerSocketChannel ch =
          ns.call(() -> ServerSocketChannel.open().bind(new InetSocketAddress(port), 128));
      s.channels.add(ch);
      Thread.ofVirtual().start(() -> acceptLoop(ch));
    }
    for (int port : udpPorts) {
      DatagramChannel ch = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(port)));
      s.channels.add(ch);
      Thread.ofVirtual().start(() -> udpLoop(ch));
    }
    return s;
  }

  private static void acceptLoop(ServerSocketChannel server) {
    try {
      while (true) {
        SocketChannel c = server.accept();
        Thread.ofVirtual().start(() -> echo(c));
      }
    } catch (IOException closed) {
      // the server was closed
    }
  }

  private static void echo(SocketChannel c) {
    try (c) {
      ByteBuffer buf = ByteBuffer.allocate(1024);
      while (c.read(buf) >= 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          c.write(buf);
        }
        buf.clear();
      }
    } catch (IOException e) {
      // peer went away
    }
  }

  private static void udpLoop(DatagramChannel ch) {
    ByteBuffer buf = ByteBuffer.allocate(1500);
    try {
      while (true) {
        buf.clear();
        var from = ch.receive(buf);
        buf.flip();
        ch.send(buf, from);
      }
    } catch (IOException closed) {
      // the server was closed
    }
  }

  @Override
  public void close() {
    for (var c : channels) {
      try {
        c.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
