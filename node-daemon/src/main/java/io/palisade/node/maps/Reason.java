package io.palisade.node.maps;

import io.palisade.pipeline.flows.PolicyReasons;
import java.util.Optional;

/**
 * Why the datapath forwarded or dropped a packet: the counter slots and event reasons of palisade.h
 * ({@code PAL_FWD_*}, {@code PAL_DROP_*}, {@code PAL_AUDIT_*}), with the metric label each gets.
 * The labels of the reasons a policy made are {@link PolicyReasons}'s, which the operator reads.
 */
public enum Reason {
  FWD_CT_ESTABLISHED(0, "PAL_FWD_CT_ESTABLISHED", "ct_established", false),
  FWD_CT_REPLY(1, "PAL_FWD_CT_REPLY", "ct_reply", false),
  FWD_POLICY(2, "PAL_FWD_POLICY", PolicyReasons.ALLOWED, false),
  /** A redirect delivered to the node's ready L7 proxy, or that proxy's own upstream. */
  FWD_PROXY(3, "PAL_FWD_PROXY", PolicyReasons.PROXIED, false),
  FWD_UNENFORCED(4, "PAL_FWD_UNENFORCED", "not_enforced", false),
  FWD_CONTROL(5, "PAL_FWD_CONTROL", "control", false),
  DROP_POLICY(6, "PAL_DROP_POLICY", PolicyReasons.NO_ENTRY, true),
  DROP_POLICY_DENY(7, "PAL_DROP_POLICY_DENY", PolicyReasons.DENY_RULE, true),
  DROP_NO_ENDPOINT(8, "PAL_DROP_NO_ENDPOINT", "unknown_endpoint", true),
  DROP_SPOOFED(9, "PAL_DROP_SPOOFED", "spoofed_source", true),
  DROP_MALFORMED(10, "PAL_DROP_MALFORMED", "malformed", true),
  DROP_FRAGMENT(11, "PAL_DROP_FRAGMENT", "fragment", true),
  EVENTS_LOST(12, "PAL_EVENTS_LOST", "events_lost", false),
  FWD_CT_RELATED(13, "PAL_FWD_CT_RELATED", "ct_related", false),
  DROP_PROXY_UNAVAILABLE(14, "PAL_DROP_PROXY_UNAVAILABLE", PolicyReasons.PROXY_UNAVAILABLE, true),
  DROP_NO_SERVICE_BACKEND(15, "PAL_DROP_NO_SERVICE_BACKEND", "no_service_backend", true),
  /** Forwarded; audit-mode policies would drop it: none of them allows it. */
  AUDIT_POLICY(16, "PAL_AUDIT_POLICY", "policy_audit", false),
  /** Forwarded; audit-mode policies would drop it: a deny of theirs matches. */
  AUDIT_POLICY_DENY(17, "PAL_AUDIT_POLICY_DENY", "policy_audit_deny", false);

  private final int slot;
  private final String cName;
  private final String label;
  private final boolean drop;

  Reason(int slot, String cName, String label, boolean drop) {
    this.slot = slot;
    this.cName = cName;
    this.label = label;
    this.drop = drop;
  }

  public int slot() {
    return slot;
  }

  public String cName() {
    return cName;
  }

  public String label() {
    return label;
  }

  public boolean isDrop() {
    return drop;
  }

  /**
   * Whether this is an audit report: past the verdict counters' slots, counted in {@code
   * pal_audits} at {@link #auditCounter}.
   */
  public boolean isAudit() {
    return this == AUDIT_POLICY || this == AUDIT_POLICY_DENY;
  }

  /** The key of an audit reason's counter in {@code pal_audits}, by the pod's direction. */
  public int auditCounter(int direction) {
    return direction * 2 + (slot - AUDIT_POLICY.slot);
  }

  public static Optional<Reason> ofSlot(int slot) {
    for (Reason r : values()) {
      if (r.slot == slot) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
