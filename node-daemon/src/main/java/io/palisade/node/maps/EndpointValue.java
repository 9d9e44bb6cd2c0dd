package io.palisade.node.maps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/** A local pod address's entry: its identity, its host-side veth, and the enforced directions. */
public record EndpointValue(long identity, int ifindex, int flags) {

  public boolean enforcesIngress() {
    return (flags & Layouts.EP_ENFORCE_INGRESS) != 0;
  }

  public boolean enforcesEgress() {
    return (flags & Layouts.EP_ENFORCE_EGRESS) != 0;
  }

  /** {@code pal_endpoints}. */
  public static final MapCodec<io.palisade.policy.identity.CidrPrefix, EndpointValue> CODEC =
      new HostCodec<>() {
        private static final long IDENTITY = Layouts.offset(Layouts.ENDPOINT_VALUE, "identity");
        private static final long IFINDEX = Layouts.offset(Layouts.ENDPOINT_VALUE, "ifindex");
        private static final long FLAGS = Layouts.offset(Layouts.ENDPOINT_VALUE, "flags");

        @Override
        public StructLayout valueLayout() {
          return Layouts.ENDPOINT_VALUE;
        }

        @Override
        public void writeValue(EndpointValue v, MemorySegment out) {
          out.fill((byte) 0);
          out.set(ValueLayout.JAVA_INT, IDENTITY, (int) v.identity());
          out.set(ValueLayout.JAVA_INT, IFINDEX, v.ifindex());
          out.set(ValueLayout.JAVA_INT, FLAGS, v.flags());
        }

        @Override
        public EndpointValue readValue(MemorySegment in) {
          return new EndpointValue(
              Integer.toUnsignedLong(in.get(ValueLayout.JAVA_INT, IDENTITY)),
              in.get(ValueLayout.JAVA_INT, IFINDEX),
              in.get(ValueLayout.JAVA_INT, FLAGS));
        }
      };
}
