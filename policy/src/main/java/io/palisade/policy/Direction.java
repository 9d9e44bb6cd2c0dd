package io.palisade.policy;

/** The direction of traffic as seen from the subject endpoint. */
public enum Direction {
  INGRESS,
  EGRESS;

  /** The other side's direction for the same packet. */
  public Direction opposite() {
    return this == INGRESS ? EGRESS : INGRESS;
  }

  public String lowerName() {
    return this == INGRESS ? "ingress" : "egress";
  }
}
