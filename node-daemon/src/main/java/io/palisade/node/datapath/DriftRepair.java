package io.palisade.node.datapath;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads the maps back every period, and at once on {@link #now} (the daemons call it on SIGHUP),
 * and repairs whatever differs from the state last applied: a datapath trusts no in-memory copy for
 * longer than that. Each repair that writes is logged with its count per map; the counts add up in
 * {@code palisade_datapath_repaired_entries_total}. Runs on a thread of its own until closed; the
 * datapath's lock keeps its writes apart from the applies.
 */
public final class DriftRepair implements AutoCloseable {

  private final Datapath datapath;
  private final Duration every;
  private final Consumer<String> log;
  private final Semaphore wake = new Semaphore(0);
  private final Thread thread;
  private volatile boolean closed;

  private DriftRepair(Datapath datapath, Duration every, Consumer<String> log) {
    this.datapath = datapath;
    this.every = every;
    this.log = log;
    this.thread = Thread.ofPlatform().name("palisade-drift-repair").daemon().unstarted(this::run);
  }

  /**
   * Starts repairing {@code datapath} every {@code every} (zero: only when asked).
   *
   * @param log takes one line per repair that wrote something, or that failed
   */
  public static DriftRepair start(Datapath datapath, Duration every, Consumer<String> log) {
    DriftRepair r = new DriftRepair(datapath, every, log);
    r.thread.start();
    return r;
  }

  /** When repairs run, as a log line says it: "every 10s and on SIGHUP", or "on SIGHUP". */
  public String schedule() {
    return every.isZero() ? "on SIGHUP" : "every " + readable(every) + " and on SIGHUP";
  }

  private static String readable(Duration d) {
    return d.toMillisPart() == 0 && d.toSeconds() > 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /** Asks for a repair now, without waiting for it. */
  public void now() {
    wake.release();
  }

  /** Makes SIGHUP ask for a repair now, as daemons reload on SIGHUP. */
  @SuppressWarnings("sunapi") // the JDK's one way to handle a signal
  public DriftRepair onHangup() {
    sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> now());
    return this;
  }

  private void run() {
    while (!closed) {
      boolean asked;
      try {
        asked =
            every.isZero() ? acquire() : wake.tryAcquire(every.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      wake.drainPermits();
      if (closed) {
        return;
      }
      repairOnce(asked);
    }
  }

  private boolean acquire() throws InterruptedException {
    wake.acquire();
    return true;
  }

  private void repairOnce(boolean asked) {
    try {
      ApplyResult r = datapath.repair();
      if (r.totalWrites() > 0) {
        log.accept(
            "repaired "
                + r.totalWrites()
                + " map entries that differed from the desired state (policy="
                + r.policyWrites()
                + " endpoints="
                + r.endpointWrites()
                + " ipcache="
                + (r.ipcacheWrites() + r.cidrWrites())
                + " services="
                + r.serviceWrites()
                + "); another writer changed the maps; generation="
                + r.generation());
      } else if (asked) {
        log.accept("maps checked on request: no drift from the desired state");
      }
    } catch (RuntimeException e) {
      log.accept("repair of the maps failed: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
