package io.palisade.gitops;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** SSH wire encoding (RFC 4251 §5): the one home for reading and writing its strings and mpints. */
final class SshWire {

  private final ByteBuffer in;

  SshWire(byte[] bytes) {
    this.in = ByteBuffer.wrap(bytes);
  }

  byte[] bytes() {
    int n = uint32();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("truncated SSH data: a field claims " + n + " bytes");
    }
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  String string() {
    return new String(bytes(), StandardCharsets.UTF_8);
  }

  BigInteger mpint() {
    return new BigInteger(bytes());
  }

  int uint32() {
    if (in.remaining() < 4) {
      throw new IllegalArgumentException("truncated SSH data");
    }
    return in.getInt();
  }

  byte[] raw(int n) {
    if (n > in.remaining()) {
      throw new IllegalArgumentException("truncated SSH data");
    }
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  boolean exhausted() {
    return !in.hasRemaining();
  }

  /** Writes SSH strings; {@link #toByteArray()} gives the encoding. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer raw(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Writer string(byte[] b) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
      out.writeBytes(b);
      return this;
    }

    Writer string(String s) {
      return string(s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
