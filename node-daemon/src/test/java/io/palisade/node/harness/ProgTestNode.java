package io.palisade.node.harness;

import io.palisade.node.bpf.BpfMap;
import io.palisade.node.bpf.ProgTestRun;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DatapathState;
import io.palisade.node.datapath.MapNames;
import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.Reason;
import io.palisade.policy.Direction;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * The datapath loaded in a namespace of its own, its local endpoints on that namespace's {@code lo}
 * (the device BPF_PROG_TEST_RUN gives a packet), for crafted packets run through the real programs.
 * Closing removes the maps' pins and the namespace, also after a failure.
 */
public final class ProgTestNode implements AutoCloseable {

  /** {@code lo}'s index in every network namespace, and so the veth of every local endpoint. */
  public static final int LO_IFINDEX = 1;

  /** One side's conntrack entry: flags ({@code PAL_CT_*}), packets, and the time it has left. */
  public record CtEntry(int flags, long packets, long remainingNanos) {
    public static final int SEEN_REPLY = 1;
    public static final int CLOSING = 2;
  }

  private final Path pins;
  private final BpfFsGuard bpfFs;
  private final NetNs ns;
  private final Datapath datapath;
  private final BpfMap ct;

  private ProgTestNode(Path pins, BpfFsGuard bpfFs, NetNs ns, Datapath datapath) {
    this.pins = pins;
    this.bpfFs = bpfFs;
    this.ns = ns;
    this.datapath = datapath;
    this.ct =
        datapath
            .object()
            .map(MapNames.CT, Layouts.CT_KEY.byteSize(), Layouts.CT_VALUE.byteSize(), false);
  }

  /** Needs root; callers check {@link Privileges#requireRoot()} first. */
  public static ProgTestNode create(String label) {
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pins = Path.of("/sys/fs/bpf/palisade-test-" + run);
    BpfFsGuard bpfFs = new BpfFsGuard();
    NetNs ns = null;
    try {
      ns = NetNs.create("pal-" + run + "-" + label);
      Datapath dp = ns.call(() -> Datapath.open(pins));
      return new ProgTestNode(pins, bpfFs, ns, dp);
    } catch (RuntimeException e) {
      Datapath.unpinAll(pins);
      if (ns != null) {
        ns.close();
      }
      bpfFs.close();
      throw e;
    }
  }

  public Datapath datapath() {
    return datapath;
  }

  public void apply(DatapathState desired) {
    ns.call(() -> datapath.apply(desired));
  }

  /** The return code of {@code palisade_from_pod} (the pod's egress) for one frame. */
  public int fromPod(byte[] frame) {
    return ProgTestRun.run(datapath.fromPodProgram(), frame, 1).retval();
  }

  /** The return code of {@code palisade_to_pod} (the pod's ingress) for one frame. */
  public int toPod(byte[] frame) {
    return ProgTestRun.run(datapath.toPodProgram(), frame, 1).retval();
  }

  /** Packets counted under {@code reason}, over all CPUs. */
  public long counter(Reason reason) {
    return datapath.counters().getOrDefault(reason.slot(), new long[2])[0];
  }

  /**
   * The entry the endpoint's side keeps for a flow whose first packet went from {@code src} to
   * {@code dst} in {@code direction} (egress: the pod sent it).
   */
  public Optional<CtEntry> conntrack(
      Direction direction, byte[] src, byte[] dst, int protocol, int sport, int dport) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment k = arena.allocate(Layouts.CT_KEY);
      MemorySegment.copy(src, 0, k, ValueLayout.JAVA_BYTE, off("saddr"), src.length);
      MemorySegment.copy(dst, 0, k, ValueLayout.JAVA_BYTE, off("daddr"), dst.length);
      k.set(Layouts.BE16, off("sport"), (short) sport);
      k.set(Layouts.BE16, off("dport"), (short) dport);
      k.set(ValueLayout.JAVA_BYTE, off("protocol"), (byte) protocol);
      k.set(
          ValueLayout.JAVA_BYTE,
          off("family"),
          (byte) (src.length == 4 ? Layouts.FAMILY_IPV4 : Layouts.FAMILY_IPV6));
      k.set(
          ValueLayout.JAVA_BYTE,
          off("direction"),
          (byte) (direction == Direction.EGRESS ? Layouts.DIR_EGRESS : Layouts.DIR_INGRESS));
      k.set(ValueLayout.JAVA_INT, off("ifindex"), LO_IFINDEX);
      MemorySegment v = arena.allocate(Layouts.CT_VALUE);
      if (!ct.lookup(k, v)) {
        return Optional.empty();
      }
      // bpf_ktime_get_ns and System.nanoTime both read CLOCK_MONOTONIC on Linux.
      long expires = v.get(ValueLayout.JAVA_LONG, Layouts.offset(Layouts.CT_VALUE, "expires_ns"));
      return Optional.of(
          new CtEntry(
              Byte.toUnsignedInt(
                  v.get(ValueLayout.JAVA_BYTE, Layouts.offset(Layouts.CT_VALUE, "flags"))),
              v.get(ValueLayout.JAVA_LONG, Layouts.offset(Layouts.CT_VALUE, "packets")),
              expires - System.nanoTime()));
    }
  }

  private static long off(String field) {
    return Layouts.offset(Layouts.CT_KEY, field);
  }

  @Override
  public void close() {
    try {
      datapath.close();
    } finally {
      Datapath.unpinAll(pins);
      ns.close();
      bpfFs.close();
    }
  }
}
