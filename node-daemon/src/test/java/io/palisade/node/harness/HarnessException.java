package io.palisade.node.harness;

/**
 * The harness could not do what a test asked: a tool is missing, a namespace command did not start,
 * a probe failed for a reason that says nothing about the datapath. Never a verdict: a test that
 * meets one fails with its message instead of counting a dropped packet.
 */
public final class HarnessException extends RuntimeException {

  public HarnessException(String message) {
    super(message);
  }

  public HarnessException(String message, Throwable cause) {
    super(message, cause);
  }
}
