package io.palisade.xds;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * java-control-plane's cache, in lanes: the responses a config causes are written by the lane of
 * its node, off the thread that staged it, so a publish to 1,000 nodes returns once their configs
 * are staged. A node always has the same lane, a single thread, so its snapshots are set in the
 * order they were staged; each lane has a cache of its own, since a cache's {@code setSnapshot}
 * holds one lock while it serializes and writes every response. Closed with the server it feeds:
 * the lanes finish what was staged, then stop.
 */
final class XdsResponses implements ConfigWatcher, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(XdsResponses.class.getName());

  private final SimpleCache<String>[] caches;
  private final ExecutorService[] lanes;

  @SuppressWarnings("unchecked")
  XdsResponses(int lanes) {
    if (lanes < 1) {
      throw new IllegalArgumentException("lanes: " + lanes + " is not a positive count");
    }
    this.caches = new SimpleCache[lanes];
    this.lanes = new ExecutorService[lanes];
    for (int i = 0; i < lanes; i++) {
      caches[i] = new SimpleCache<>(n -> n.getId());
      this.lanes[i] =
          Executors.newSingleThreadExecutor(
              Thread.ofPlatform().daemon().name("xds-responses-" + i).factory());
    }
  }

  private int lane(String node) {
    return Math.floorMod(node.hashCode(), lanes.length);
  }

  /**
   * Sets {@code node}'s snapshot on its lane, after whatever was staged for it before; a failure is
   * logged (the proxy then acknowledges nothing new, so the node is not counted as enforcing).
   */
  CompletableFuture<Void> set(String node, Supplier<Snapshot> snapshot) {
    int i = lane(node);
    return CompletableFuture.runAsync(
            () -> caches[i].setSnapshot(node, snapshot.get()),
            open(i, "set the xDS config of " + node))
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                LOG.log(System.Logger.Level.ERROR, "the xDS config of " + node + " was not set", e);
              }
            });
  }

  /**
   * As {@link #set}, returning once it is set: for a request's callback, whose response must come
   * from this snapshot (java-control-plane opens the request's watch after the callback).
   */
  void setNow(String node, Supplier<Snapshot> snapshot) {
    try {
      set(node, snapshot).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while setting the xDS config of " + node, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the xDS config of " + node + " was not set", e.getCause());
    }
  }

  /** Forgets {@code node}'s snapshot, after whatever was staged for it before. */
  void clear(String node) {
    int i = lane(node);
    open(i, "forget the xDS config of " + node).execute(() -> caches[i].clearSnapshot(node));
  }

  /** Lane {@code i}, refusing work once closed rather than dropping it unseen. */
  private ExecutorService open(int i, String what) {
    if (lanes[i].isShutdown()) {
      throw new IllegalStateException("cannot " + what + ": the xDS responses are closed");
    }
    return lanes[i];
  }

  /**
   * Lets the lanes write what was staged (up to five seconds), then stops their threads; staging
   * anything afterwards throws.
   */
  @Override
  public void close() {
    for (ExecutorService lane : lanes) {
      lane.shutdown();
    }
    try {
      for (ExecutorService lane : lanes) {
        if (!lane.awaitTermination(5, TimeUnit.SECONDS)) {
          lane.shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      for (ExecutorService lane : lanes) {
        lane.shutdownNow();
      }
      Thread.currentThread().interrupt();
    }
  }

  boolean closed() {
    for (ExecutorService lane : lanes) {
      if (!lane.isTerminated()) {
        return false;
      }
    }
    return true;
  }

  /** Returns once everything staged before this call is set. */
  void await() {
    CompletableFuture<?>[] marks = new CompletableFuture<?>[lanes.length];
    for (int i = 0; i < lanes.length; i++) {
      marks[i] = CompletableFuture.runAsync(() -> {}, open(i, "wait for the xDS responses"));
    }
    CompletableFuture.allOf(marks).join();
  }

  @Override
  public Watch createWatch(
      boolean ads,
      XdsRequest request,
      Set<String> knownResourceNames,
      Consumer<Response> responseConsumer,
      boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    return caches[lane(request.v3Request().getNode().getId())].createWatch(
        ads,
        request,
        knownResourceNames,
        responseConsumer,
        hasClusterChanged,
        allowDefaultEmptyEdsUpdate);
  }

  @Override
  public DeltaWatch createDeltaWatch(
      DeltaXdsRequest request,
      String requesterVersion,
      Map<String, String> resourceVersions,
      Set<String> pendingResources,
      boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer,
      boolean hasClusterChanged) {
    return caches[lane(request.v3Request().getNode().getId())].createDeltaWatch(
        request,
        requesterVersion,
        resourceVersions,
        pendingResources,
        isWildcard,
        responseConsumer,
        hasClusterChanged);
  }
}
