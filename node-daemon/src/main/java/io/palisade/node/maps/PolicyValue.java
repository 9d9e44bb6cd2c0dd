package io.palisade.node.maps;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.mapstate.Verdict;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A policy map value: the verdict ({@code PAL_VERDICT_*}, {@code VERDICT_NONE} when the enforced
 * policy has no entry in the key's group), the protocol/port prefix length of the entry that
 * decides in the group (an LPM lookup does not say which key matched), the proxy port of a
 * redirect, and the same verdict and prefix with audit-mode policies enforced too.
 */
public record PolicyValue(
    int verdict, int prefixLength, int proxyPort, int auditVerdict, int auditPrefixLength) {

  private static final long VERDICT = Layouts.offset(Layouts.POLICY_VALUE, "verdict");
  private static final long PREFIX = Layouts.offset(Layouts.POLICY_VALUE, "prefix_len");
  private static final long PROXY = Layouts.offset(Layouts.POLICY_VALUE, "proxy_port");
  private static final long AUDIT_VERDICT = Layouts.offset(Layouts.POLICY_VALUE, "audit_verdict");
  private static final long AUDIT_PREFIX = Layouts.offset(Layouts.POLICY_VALUE, "audit_prefix_len");

  /** A value with no audit-mode policy about: the audit columns repeat the others. */
  public PolicyValue(int verdict, int prefixLength, int proxyPort) {
    this(verdict, prefixLength, proxyPort, verdict, prefixLength);
  }

  /** The value the datapath needs for one MapState entry, no audit-mode policy about. */
  public static PolicyValue of(MapStateKey key, MapStateEntry entry, Direction direction) {
    return new PolicyValue(
        verdict(entry.verdict()), key.prefixLength(), entry.proxyPort(direction));
  }

  /** Verdicts keep the engine's precedence order: allow < redirect < deny. */
  public static int verdict(Verdict v) {
    return switch (v) {
      case ALLOW -> Layouts.VERDICT_ALLOW;
      case REDIRECT -> Layouts.VERDICT_REDIRECT;
      case DENY -> Layouts.VERDICT_DENY;
    };
  }

  static void write(PolicyValue v, MemorySegment out) {
    out.fill((byte) 0);
    out.set(ValueLayout.JAVA_BYTE, VERDICT, (byte) v.verdict());
    out.set(ValueLayout.JAVA_BYTE, PREFIX, (byte) v.prefixLength());
    out.set(Layouts.BE16, PROXY, (short) v.proxyPort());
    out.set(ValueLayout.JAVA_BYTE, AUDIT_VERDICT, (byte) v.auditVerdict());
    out.set(ValueLayout.JAVA_BYTE, AUDIT_PREFIX, (byte) v.auditPrefixLength());
  }

  static PolicyValue read(MemorySegment in) {
    return new PolicyValue(
        Byte.toUnsignedInt(in.get(ValueLayout.JAVA_BYTE, VERDICT)),
        Byte.toUnsignedInt(in.get(ValueLayout.JAVA_BYTE, PREFIX)),
        Short.toUnsignedInt(in.get(Layouts.BE16, PROXY)),
        Byte.toUnsignedInt(in.get(ValueLayout.JAVA_BYTE, AUDIT_VERDICT)),
        Byte.toUnsignedInt(in.get(ValueLayout.JAVA_BYTE, AUDIT_PREFIX)));
  }
}
