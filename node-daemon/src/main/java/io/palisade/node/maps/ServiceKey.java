package io.palisade.node.maps;

import io.palisade.policy.identity.CidrPrefix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * A key of {@code pal_services}: a frontend (host address, port, IP protocol) and a slot, 0 for the
 * frontend itself and 1 to its backend count for its backends.
 */
public record ServiceKey(CidrPrefix address, int port, int protocol, int slot) {

  /** The key of the frontend's own entry, whose value counts its backends. */
  public ServiceKey frontend() {
    return slot == 0 ? this : new ServiceKey(address, port, protocol, 0);
  }

  /** {@code pal_services}. */
  public static final MapCodec<ServiceKey, ServiceValue> CODEC =
      new MapCodec<>() {
        private static final long ADDR = Layouts.offset(Layouts.SVC_KEY, "addr");
        private static final long DPORT = Layouts.offset(Layouts.SVC_KEY, "dport");
        private static final long PROTOCOL = Layouts.offset(Layouts.SVC_KEY, "protocol");
        private static final long FAMILY = Layouts.offset(Layouts.SVC_KEY, "family");
        private static final long SLOT = Layouts.offset(Layouts.SVC_KEY, "slot");
        private static final long BACKEND_ID = Layouts.offset(Layouts.SVC_VALUE, "backend_id");
        private static final long COUNT = Layouts.offset(Layouts.SVC_VALUE, "count");

        @Override
        public StructLayout keyLayout() {
          return Layouts.SVC_KEY;
        }

        @Override
        public StructLayout valueLayout() {
          return Layouts.SVC_VALUE;
        }

        @Override
        public void writeKey(ServiceKey k, MemorySegment out) {
          out.fill((byte) 0);
          Addresses.write(k.address(), out, FAMILY, ADDR);
          out.set(Layouts.BE16, DPORT, (short) k.port());
          out.set(ValueLayout.JAVA_BYTE, PROTOCOL, (byte) k.protocol());
          out.set(ValueLayout.JAVA_SHORT, SLOT, (short) k.slot());
        }

        @Override
        public ServiceKey readKey(MemorySegment in) {
          return new ServiceKey(
              CidrPrefix.host(Addresses.read(in, FAMILY, ADDR)),
              Short.toUnsignedInt(in.get(Layouts.BE16, DPORT)),
              Byte.toUnsignedInt(in.get(ValueLayout.JAVA_BYTE, PROTOCOL)),
              Short.toUnsignedInt(in.get(ValueLayout.JAVA_SHORT, SLOT)));
        }

        @Override
        public void writeValue(ServiceValue v, MemorySegment out) {
          out.fill((byte) 0);
          out.set(ValueLayout.JAVA_INT, BACKEND_ID, v.backendId());
          out.set(ValueLayout.JAVA_SHORT, COUNT, (short) v.count());
        }

        @Override
        public ServiceValue readValue(MemorySegment in) {
          return new ServiceValue(
              in.get(ValueLayout.JAVA_INT, BACKEND_ID),
              Short.toUnsignedInt(in.get(ValueLayout.JAVA_SHORT, COUNT)));
        }
      };
}
