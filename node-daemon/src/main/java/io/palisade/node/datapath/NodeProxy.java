package io.palisade.node.datapath;

import io.palisade.pipeline.model.LocalState;
import java.util.Map;
import java.util.Set;

/**
 * The node's L7 proxy as the datapath drives it: a revision's local state (and the ipcache its
 * peers resolve through) becomes the proxy's config in two steps, so that {@link DatapathApplier}
 * can take a port out of the ready map before its config goes and put it in only once the proxy
 * holds the new one.
 */
public interface NodeProxy extends AutoCloseable {

  /**
   * Checks and translates the proxy config for {@code local}; throws naming what cannot be
   * enforced, and then nothing changes.
   */
  Update prepare(LocalState local, Map<String, Long> ipcache);

  /** A translated config, not yet in force. */
  interface Update {

    /** The proxy ports this config listens on. */
    Set<Integer> ports();

    /** Puts the config in force; returns the ports listening with it now. */
    Set<Integer> commit();
  }

  /**
   * Whether the proxy's ready ports change without a new revision (a proxy this process does not
   * run): then they are read again at every refresh.
   */
  default boolean changesOnItsOwn() {
    return false;
  }

  /**
   * Addresses the proxy learned for {@code toFQDNs} selectors, prefix to identity: the applier adds
   * them to the ipcache below the node state's own entries.
   */
  default Map<String, Long> learnedIpcache() {
    return Map.of();
  }

  /**
   * Whom the proxy calls, from its own thread, once its learned addresses changed: the call writes
   * them to the maps before it returns, and throws when it could not.
   */
  default void onLearned(Runnable applyNow) {}

  @Override
  void close();
}
