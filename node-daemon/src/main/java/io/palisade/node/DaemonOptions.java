package io.palisade.node;

import io.palisade.node.datapath.L7ProxyMode;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.policy.resolve.HostTraffic;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The node daemon's command line in file mode, parsed; every problem is reported at once. */
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
    Duration repairInterval,
    Optional<String> node,
    HostTraffic hostTraffic,
    L7ProxyMode l7Proxy,
    io.palisade.node.fqdn.FqdnOptions fqdn) {

  /** Parses {@code args} as {@code palisade-node} does, or throws with every problem found. */
  public static DaemonOptions parse(String... args) {
    return PalisadeNode.parse(args);
  }
}
