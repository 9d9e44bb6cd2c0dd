package io.palisade.node.maps;

import io.palisade.policy.identity.CidrPrefix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/** A value of {@code pal_backends}: where a translated connection goes, a host address and port. */
public record BackendValue(CidrPrefix address, int port) {

  /** {@code pal_backends}, keyed by the backend id the daemon gives each backend. */
  public static final MapCodec<Integer, BackendValue> CODEC =
      new MapCodec<>() {
        private static final StructLayout ID =
            java.lang.foreign.MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("id"));
        private static final long ADDR = Layouts.offset(Layouts.BACKEND_VALUE, "addr");
        private static final long PORT = Layouts.offset(Layouts.BACKEND_VALUE, "port");
        private static final long FAMILY = Layouts.offset(Layouts.BACKEND_VALUE, "family");

        @Override
        public StructLayout keyLayout() {
          return ID;
        }

        @Override
        public StructLayout valueLayout() {
          return Layouts.BACKEND_VALUE;
        }

        @Override
        public void writeKey(Integer id, MemorySegment out) {
          out.set(ValueLayout.JAVA_INT, 0, id);
        }

        @Override
        public Integer readKey(MemorySegment in) {
          return in.get(ValueLayout.JAVA_INT, 0);
        }

        @Override
        public void writeValue(BackendValue v, MemorySegment out) {
          out.fill((byte) 0);
          Addresses.write(v.address(), out, FAMILY, ADDR);
          out.set(Layouts.BE16, PORT, (short) v.port());
        }

        @Override
        public BackendValue readValue(MemorySegment in) {
          return new BackendValue(
              CidrPrefix.host(Addresses.read(in, FAMILY, ADDR)),
              Short.toUnsignedInt(in.get(Layouts.BE16, PORT)));
        }
      };
}
