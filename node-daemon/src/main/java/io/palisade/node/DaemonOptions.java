package io.palisade.node;

import io.palisade.http.ListenAddress;
import io.palisade.node.datapath.Datapath;
import io.palisade.pipeline.Durations;
import io.palisade.pipeline.RemovalBudget;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The node daemon's command line, parsed; every problem is reported at once. */
public record DaemonOptions(
    List<Path> policies,
    Path cluster,
    Map<String, String> veths,
    List<String> routedPods,
    Path pinRoot,
    Optional<Path> flowLog,
    Optional<InetSocketAddress> metrics,
    boolean once,
    RemovalBudget pruneBudget,
    Duration repairInterval) {

  /** How often the maps are read back and any drift from the desired state repaired. */
  public static final Duration DEFAULT_REPAIR_INTERVAL = Duration.ofSeconds(10);

  public static final String USAGE =
      """
      usage: palisade-node --policies PATH... --cluster FILE
                           (--veth NS/POD=IFNAME | --pod NS/POD)...
                           [--pin-root DIR] [--flow-log FILE|-] [--once]
                           [--metrics-port N [--metrics-address IP]]
                           [--prune-budget unlimited|N%] [--repair-interval DURATION]
        Enforces the policies for the pods of this node: --veth names a pod's host-side veth,
        --pod finds it from the pod's address (a host route without gateway). Those veths are
        the only interfaces the datapath attaches to. Re-applies by difference on file changes;
        a change that removes more than --prune-budget of the policies (default 50%), or any
        clusterwide policy, is refused. Reads the maps back every --repair-interval (default 10s;
        0s: only on SIGHUP) and on SIGHUP, and repairs what differs from the desired state.
        --metrics-port serves /metrics on --metrics-address (default 127.0.0.1; 0.0.0.0 for
        every address).
      """;

  /** Parses {@code args}, or throws with every problem found. */
  public static DaemonOptions parse(String... args) {
    List<Path> policies = new ArrayList<>();
    Path cluster = null;
    Map<String, String> veths = new LinkedHashMap<>();
    List<String> routedPods = new ArrayList<>();
    Path pinRoot = Datapath.DEFAULT_PIN_ROOT;
    Optional<Path> flowLog = Optional.empty();
    int metricsPort = 0;
    String metricsAddress = ListenAddress.LOOPBACK;
    boolean once = false;
    RemovalBudget pruneBudget = RemovalBudget.DEFAULT;
    Duration repairInterval = DEFAULT_REPAIR_INTERVAL;
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--policies" -> policies.add(Path.of(need(a, v, errors)));
        case "--cluster" -> cluster = Path.of(need(a, v, errors));
        case "--pin-root" -> pinRoot = Path.of(need(a, v, errors));
        case "--flow-log" -> flowLog = Optional.of(Path.of(need(a, v, errors)));
        case "--metrics-port" -> metricsPort = port(a, need(a, v, errors), errors);
        case "--metrics-address" -> metricsAddress = need(a, v, errors);
        case "--prune-budget" -> {
          try {
            pruneBudget = RemovalBudget.parse(need(a, v, errors));
          } catch (IllegalArgumentException e) {
            errors.add("--prune-budget: " + e.getMessage());
          }
        }
        case "--repair-interval" -> {
          try {
            repairInterval = Durations.parse(need(a, v, errors));
          } catch (IllegalArgumentException e) {
            errors.add("--repair-interval: " + e.getMessage());
          }
        }
        case "--pod" -> routedPods.add(need(a, v, errors));
        case "--veth" -> {
          String spec = need(a, v, errors);
          int eq = spec.indexOf('=');
          if (eq <= 0 || spec.indexOf('/') < 0 || spec.indexOf('/') > eq) {
            errors.add("--veth " + spec + ": expected NAMESPACE/POD=IFNAME");
          } else {
            veths.put(spec.substring(0, eq), spec.substring(eq + 1));
          }
        }
        case "--once" -> {
          once = true;
          continue;
        }
        default -> {
          errors.add("unknown option " + a);
          continue;
        }
      }
      i++;
    }
    if (policies.isEmpty()) {
      errors.add("--policies is required");
    }
    if (cluster == null) {
      errors.add("--cluster is required");
    }
    Optional<InetSocketAddress> metrics = Optional.empty();
    try {
      InetSocketAddress at = ListenAddress.parse("--metrics-address", metricsAddress, metricsPort);
      metrics = metricsPort > 0 ? Optional.of(at) : Optional.empty();
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", errors) + "\n" + USAGE);
    }
    return new DaemonOptions(
        policies,
        cluster,
        veths,
        routedPods,
        pinRoot,
        flowLog,
        metrics,
        once,
        pruneBudget,
        repairInterval);
  }

  private static int port(String option, String value, List<String> errors) {
    if (value.isEmpty()) {
      return 0; // already reported as missing
    }
    if (!value.matches("[0-9]{1,5}") || Integer.parseInt(value) > 65535) {
      errors.add(option + " " + value + ": expected a port number, 1-65535 (0: no metrics)");
      return 0;
    }
    return Integer.parseInt(value);
  }

  private static String need(String option, String value, List<String> errors) {
    if (value == null) {
      errors.add(option + " needs a value");
      return "";
    }
    return value;
  }
}
