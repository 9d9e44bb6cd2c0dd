package io.palisade.cli;

import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.validate.PolicyKind;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The policy loader of a short command, made ready on two other threads while picocli builds and
 * parses the command line. In a new JVM the first policy document costs most of {@code palisade
 * validate}, and none of that cost depends on the command line, so on two cores it overlaps with
 * picocli's reflection instead of following it.
 */
final class PreparedLoader {

  /**
   * A policy of the usual shape, validated once so that what its first validation loads, links and
   * caches is ready for the user's documents.
   */
  static final String SAMPLE =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: sample
        namespace: default
      spec:
        endpointSelector:
          matchLabels:
            app: server
        ingress:
          - fromEndpoints:
              - matchLabels:
                  app: client
            toPorts:
              - ports:
                  - port: "80"
                    protocol: TCP
        egress:
          - toCIDR:
              - 10.0.0.0/8
      """;

  private static FutureTask<PolicyLoader> prepared;

  private PreparedLoader() {}

  /** Starts preparing the loader; the threads are daemons, so an early exit does not wait. */
  static synchronized void start() {
    if (prepared != null) {
      return;
    }
    // JDK 25's BigDecimal computes 5^65536 in its class initialiser, about 40 ms before the JIT
    // has compiled BigInteger, and every Jackson parser initialises it: on a thread of its own it
    // runs beside the deserializers being built rather than before the first parse.
    daemon("palisade-prepare-bigdecimal", () -> initialise("java.math.BigDecimal")).start();
    prepared =
        new FutureTask<>(
            () -> {
              PolicyLoader loader = new PolicyLoader();
              loader.prepare(PolicyKind.CILIUM_NETWORK_POLICY);
              loader.load("sample.yaml", SAMPLE);
              return loader;
            });
    daemon("palisade-prepare-loader", prepared).start();
  }

  /**
   * The prepared loader once it is ready, or a new one when {@link #start} was not called (tests,
   * the long-running commands) or preparing failed: either way the documents load the same.
   */
  static synchronized PolicyLoader loader() {
    if (prepared == null) {
      return new PolicyLoader();
    }
    try {
      return prepared.get();
    } catch (ExecutionException e) {
      return new PolicyLoader();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new PolicyLoader();
    }
  }

  private static void initialise(String className) {
    try {
      Class.forName(className, true, PreparedLoader.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      // Only an early start is lost: the first parse initialises the class as before.
    }
  }

  private static Thread daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }
}
