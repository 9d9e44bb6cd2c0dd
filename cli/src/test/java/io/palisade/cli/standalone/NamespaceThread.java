package io.palisade.cli.standalone;

import io.palisade.node.harness.NetNs;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a long task on a fresh platform thread inside a test's network namespace. A thread starts in
 * the network namespace of the thread that created it, so it is started from the namespace's own
 * thread; everything the task binds, connects to or reads from /proc/thread-self is then the
 * namespace's, while the namespace's own thread stays free.
 */
final class NamespaceThread {

  private NamespaceThread() {}

  /** The task's result; the thread is returned too, so that the caller can interrupt it. */
  record Running<T>(Thread thread, CompletableFuture<T> result) {}

  static <T> Running<T> start(NetNs ns, String name, Callable<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread =
        ns.call(
            () ->
                Thread.ofPlatform()
                    .name(name)
                    .daemon()
                    .start(
                        () -> {
                          try {
                            result.complete(task.call());
                          } catch (Throwable t) {
                            result.completeExceptionally(t);
                          }
                        }));
    return new Running<>(thread, result);
  }
}
