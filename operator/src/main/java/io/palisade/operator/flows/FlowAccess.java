package io.palisade.operator.flows;

import java.util.Optional;

/**
 * Who may push flows and who may read them. A node pushes only its own flows: with mutual TLS the
 * batch must name the node its certificate names, as a node's hello must. Reading every node's
 * flows takes a certificate made for it, whose CN is {@code observer:NAME}: a node's certificate is
 * refused, so a node that is taken over does not learn who talks to whom across the cluster.
 *
 * @param pinsNodes whether peers show certificates a client CA checked (false only when the
 *     operator was told {@code palisade.node-state.insecure=true})
 */
public record FlowAccess(boolean pinsNodes) {

  /** The CN prefix of a certificate that may observe flows. */
  public static final String OBSERVER = "observer:";

  /** Why {@code peer} (its certificate's CN) may not push flows as {@code node}, if it may not. */
  public Optional<String> refusePush(Optional<String> peer, String node) {
    if (peer.isPresent() && peer.get().startsWith(OBSERVER)) {
      return Optional.of("the certificate " + peer.get() + " is an observer's: it may not push");
    }
    if (!pinsNodes) {
      return Optional.empty();
    }
    if (peer.isEmpty()) {
      return Optional.of("a node pushes flows only with a certificate naming it");
    }
    if (!peer.get().equals(node)) {
      return Optional.of(
          "batch.node: \""
              + node
              + "\" is not the node the certificate names ("
              + peer.get()
              + "); a node pushes only its own flows");
    }
    return Optional.empty();
  }

  /** Why {@code peer} may not observe flows, if it may not. Without a certificate, never. */
  public Optional<String> refuseObserve(Optional<String> peer) {
    if (peer.isPresent()
        && peer.get().startsWith(OBSERVER)
        && peer.get().length() > OBSERVER.length()) {
      return Optional.empty();
    }
    return Optional.of(
        "observing flows takes a client certificate whose CN is "
            + OBSERVER
            + "NAME; "
            + peer.map(p -> "this one names " + p).orElse("none was shown"));
  }
}
