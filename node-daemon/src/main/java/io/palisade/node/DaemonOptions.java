package io.palisade.node;

import io.palisade.node.datapath.Datapath;
import io.palisade.pipeline.Durations;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.policy.resolve.HostTraffic;
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
    int metricsPort,
    boolean once,
    RemovalBudget pruneBudget,
    Duration repairInterval,
    Optional<String> node,
    HostTraffic hostTraffic) {

  /** How often the maps are read back and any drift from the desired state repaired. */
  public static final Duration DEFAULT_REPAIR_INTERVAL = Duration.ofSeconds(10);

  public static final String USAGE =
      """
      usage: palisade-node --policies PATH... --cluster FILE
                           (--veth NS/POD=IFNAME | --pod NS/POD)...
                           [--pin-root DIR] [--flow-log FILE|-] [--metrics-port N] [--once]
                           [--prune-budget unlimited|N%] [--repair-interval DURATION]
                           [--node NAME] [--host-traffic allowed|policy]
        Enforces the policies for the pods of this node: --veth names a pod's host-side veth,
        --pod finds it from the pod's address (a host route without gateway). Those veths are
        the only interfaces the datapath attaches to. Re-applies by difference on file changes;
        a change that removes more than --prune-budget of the policies (default 50%), or any
        clusterwide policy, is refused. Reads the maps back every --repair-interval (default 10s;
        0s: only on SIGHUP) and on SIGHUP, and repairs what differs from the desired state.
        --node names the cluster file's Node that is this machine (default: its only Node); its
        addresses are the host. --host-traffic policy makes the host's traffic to the pods
        subject to their ingress policy (default allowed: kubelet's probes always pass).
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
    boolean once = false;
    RemovalBudget pruneBudget = RemovalBudget.DEFAULT;
    Duration repairInterval = DEFAULT_REPAIR_INTERVAL;
    Optional<String> node = Optional.empty();
    HostTraffic hostTraffic = HostTraffic.ALLOWED;
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--policies" -> policies.add(Path.of(need(a, v, errors)));
        case "--cluster" -> cluster = Path.of(need(a, v, errors));
        case "--pin-root" -> pinRoot = Path.of(need(a, v, errors));
        case "--flow-log" -> flowLog = Optional.of(Path.of(need(a, v, errors)));
        case "--metrics-port" -> metricsPort = Integer.parseInt(need(a, v, errors));
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
        case "--node" -> node = Optional.of(need(a, v, errors));
        case "--host-traffic" -> {
          String value = need(a, v, errors);
          Optional<HostTraffic> h = HostTraffic.parse(value);
          if (h.isEmpty()) {
            errors.add("--host-traffic: \"" + value + "\" is neither allowed nor policy");
          }
          hostTraffic = h.orElse(HostTraffic.ALLOWED);
        }
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
        metricsPort,
        once,
        pruneBudget,
        repairInterval,
        node,
        hostTraffic);
  }

  private static String need(String option, String value, List<String> errors) {
    if (value == null) {
      errors.add(option + " needs a value");
      return "";
    }
    return value;
  }
}
