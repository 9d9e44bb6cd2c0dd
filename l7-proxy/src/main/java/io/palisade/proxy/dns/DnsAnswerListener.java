package io.palisade.proxy.dns;

/**
 * Told of every answer that carries addresses before the client receives it, so that the node can
 * write those addresses to the datapath first and the client's first connection finds them there.
 */
@FunctionalInterface
public interface DnsAnswerListener {

  DnsAnswerListener NONE = answer -> {};

  /**
   * Called on the proxy's one listener thread, started by the thread that started the proxy (and so
   * in its network namespace); it may block, and the answer waits for it. Throwing makes the proxy
   * answer SERVFAIL instead: an answer whose addresses the node could not learn is never released,
   * since the connection it leads to would be dropped.
   */
  void beforeRelease(DnsAnswer answer) throws Exception;
}
