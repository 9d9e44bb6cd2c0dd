package io.palisade.pipeline.flows;

/**
 * The reasons of a flow ({@link Flow#reason}) that a policy entry, or its absence, made; the other
 * reasons are conntrack's, the control plane's or a malformed packet's, and no rule is named for
 * them.
 *
 * <p>The labels live here rather than only in the node daemon's {@code Reason} enum, which takes
 * them from these constants: the operator names the flows its daemons relay from their reason
 * alone, and it must not depend on the node's datapath module to read five words. Passing the set
 * in instead would leave every caller to build it again, and a caller that forgot one label would
 * name fewer flows without any error.
 */
public final class PolicyReasons {

  /** Forwarded by an allow entry. */
  public static final String ALLOWED = "policy_allow";

  /** Redirected by an L7 entry to the node's ready proxy. */
  public static final String PROXIED = "proxied";

  /** Dropped for want of an entry: the default deny of the policies selecting the endpoint. */
  public static final String NO_ENTRY = "policy_denied";

  /** Dropped by a deny entry. */
  public static final String DENY_RULE = "policy_deny_rule";

  /** Dropped by an L7 entry whose proxy is not ready. */
  public static final String PROXY_UNAVAILABLE = "proxy_unavailable";

  private PolicyReasons() {}

  /** Whether a rule (or the policies' default deny) decided a flow with this reason. */
  public static boolean madeByPolicy(String reason) {
    return switch (reason) {
      case ALLOWED, PROXIED, NO_ENTRY, DENY_RULE, PROXY_UNAVAILABLE -> true;
      default -> false;
    };
  }

  /**
   * Whether a flow with this reason was dropped by default deny. Only a drop with no entry is: an
   * allowed flow the rules would not allow (the host's traffic, which the engine allows beside
   * them) names no policy.
   */
  public static boolean isDefaultDeny(String reason) {
    return reason.equals(NO_ENTRY);
  }
}
