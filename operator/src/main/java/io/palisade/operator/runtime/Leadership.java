package io.palisade.operator.runtime;

import io.quarkus.runtime.LaunchMode;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this replica holds the operator's Lease. Reconcilers run only on the leader (JOSDK sees
 * to that); identity garbage collection asks here. Outside production, where QOSDK does not elect,
 * the one replica leads.
 */
public final class Leadership {

  private final AtomicBoolean leading =
      new AtomicBoolean(LaunchMode.current() != LaunchMode.NORMAL);

  public boolean leading() {
    return leading.get();
  }

  void started() {
    leading.set(true);
  }

  void stopped() {
    leading.set(false);
  }
}
