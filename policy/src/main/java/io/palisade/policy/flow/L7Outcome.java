package io.palisade.policy.flow;

/** What the L7 proxies of a flow do with one request. */
public enum L7Outcome {
  /** Every redirecting side has a rule that admits the request. */
  ALLOWED,
  /** A redirecting side has no rule that admits it. */
  REFUSED,
  /** The flow is denied at L3/L4: no request reaches a proxy. */
  DENIED_AT_L3_L4,
  /** The port is not redirected on either side: L7 rules do not apply, L3/L4 decides. */
  NOT_REDIRECTED
}
