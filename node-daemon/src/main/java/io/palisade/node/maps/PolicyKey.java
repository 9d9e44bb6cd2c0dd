package io.palisade.node.maps;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapStateKey;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/** A policy map key: the engine's MapStateKey behind the subject identity it belongs to. */
public record PolicyKey(long subject, MapStateKey key) {

  private static final long PREFIXLEN = Layouts.offset(Layouts.POLICY_KEY, "prefixlen");
  private static final long SUBJECT = Layouts.offset(Layouts.POLICY_KEY, "subject");
  private static final long PEER = Layouts.offset(Layouts.POLICY_KEY, "peer");
  private static final long DIRECTION = Layouts.offset(Layouts.POLICY_KEY, "direction");
  private static final long PROTOCOL = Layouts.offset(Layouts.POLICY_KEY, "protocol");
  private static final long DPORT = Layouts.offset(Layouts.POLICY_KEY, "dport");

  /** {@code struct pal_policy_key}: LPM over protocol then port, behind the exact identities. */
  public static void write(PolicyKey k, MemorySegment out) {
    MapStateKey m = k.key();
    out.fill((byte) 0);
    out.set(ValueLayout.JAVA_INT, PREFIXLEN, Layouts.POLICY_STATIC_PREFIX + m.prefixLength());
    out.set(ValueLayout.JAVA_INT, SUBJECT, (int) k.subject());
    out.set(ValueLayout.JAVA_INT, PEER, (int) m.identity());
    out.set(ValueLayout.JAVA_BYTE, DIRECTION, (byte) direction(m.direction()));
    out.set(ValueLayout.JAVA_BYTE, PROTOCOL, (byte) m.protocol());
    out.set(Layouts.BE16, DPORT, (short) m.port());
  }

  public static PolicyKey read(MemorySegment in) {
    int prefix = in.get(ValueLayout.JAVA_INT, PREFIXLEN) - Layouts.POLICY_STATIC_PREFIX;
    int protocol = Byte.toUnsignedInt(in.get(ValueLayout.JAVA_BYTE, PROTOCOL));
    int port = Short.toUnsignedInt(in.get(Layouts.BE16, DPORT));
    Direction d =
        in.get(ValueLayout.JAVA_BYTE, DIRECTION) == Layouts.DIR_EGRESS
            ? Direction.EGRESS
            : Direction.INGRESS;
    int portBits = prefix <= 8 ? 0 : prefix - 8;
    return new PolicyKey(
        Integer.toUnsignedLong(in.get(ValueLayout.JAVA_INT, SUBJECT)),
        new MapStateKey(
            d,
            Integer.toUnsignedLong(in.get(ValueLayout.JAVA_INT, PEER)),
            prefix == 0 ? 0 : protocol,
            prefix == 0 ? 0 : port,
            portBits));
  }

  static int direction(Direction d) {
    return d == Direction.EGRESS ? Layouts.DIR_EGRESS : Layouts.DIR_INGRESS;
  }

  /** {@code pal_policy}. */
  public static final MapCodec<PolicyKey, PolicyValue> CODEC =
      new MapCodec<>() {
        @Override
        public StructLayout keyLayout() {
          return Layouts.POLICY_KEY;
        }

        @Override
        public StructLayout valueLayout() {
          return Layouts.POLICY_VALUE;
        }

        @Override
        public void writeKey(PolicyKey key, MemorySegment out) {
          write(key, out);
        }

        @Override
        public PolicyKey readKey(MemorySegment in) {
          return read(in);
        }

        @Override
        public void writeValue(PolicyValue value, MemorySegment out) {
          PolicyValue.write(value, out);
        }

        @Override
        public PolicyValue readValue(MemorySegment in) {
          return PolicyValue.read(in);
        }
      };
}
