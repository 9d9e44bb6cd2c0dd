package io.palisade.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.pipeline.model.ClusterSnapshot;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.reach.CellPort;
import io.palisade.policy.reach.CellPorts;
import io.palisade.policy.rules.PolicyRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The page's JSON beside {@code /api/policies}: {@code GET /api/matrix?ports=80/TCP&level=pod} and
 * {@code POST /api/whatif?ports=...} (a body of policy YAML), over the current state a server
 * supplies. Standalone mode and the operator both answer through this class, so the page reads the
 * same shapes from both. Thread-safe: each call reads one snapshot and keeps nothing.
 */
public final class PageApi {

  private final Supplier<ClusterSnapshot> state;
  private final ObjectMapper json = new ObjectMapper();

  /** {@code state}: the pods, namespaces and rules in force, read once per call. */
  public PageApi(Supplier<ClusterSnapshot> state) {
    this.state = state;
  }

  /**
   * {@code GET /api/matrix}: {@code ports} (default: every port pods and policies name), {@code
   * level}.
   */
  public ApiAnswer matrix(Map<String, String> query) {
    ClusterSnapshot snapshot = state.get();
    ConnectivityMatrix.Level level;
    String levelText = query.getOrDefault("level", "namespace").trim().toUpperCase(Locale.ROOT);
    try {
      level = ConnectivityMatrix.Level.valueOf(levelText);
    } catch (IllegalArgumentException e) {
      return error(400, List.of("level: \"" + query.get("level") + "\" is not pod or namespace"));
    }
    Object ports = ports(query, snapshot, snapshot.rules());
    if (ports instanceof ApiAnswer refused) {
      return refused;
    }
    @SuppressWarnings("unchecked")
    List<CellPort> chosen = (List<CellPort>) ports;
    ClusterPolicy cp = policy(snapshot, snapshot.rules());
    if (level == ConnectivityMatrix.Level.POD && cp.pods().size() > ConnectivityMatrix.MAX_PODS) {
      return error(
          422,
          List.of(
              "level: "
                  + cp.pods().size()
                  + " pods, a pod x pod matrix shows at most "
                  + ConnectivityMatrix.MAX_PODS
                  + ": choose level=namespace"));
    }
    return ok(MatrixJson.of(ConnectivityMatrix.of(cp, chosen, level)));
  }

  /**
   * {@code POST /api/whatif}: the cells (pod x pod x port) whose verdict changes when the posted
   * policies replace those of the same kind, namespace and name (or join the others), each with the
   * rule responsible; invalid YAML is refused with every error at its field path.
   */
  public ApiAnswer whatIf(Map<String, String> query, String yaml) {
    WhatIf.Result result = WhatIf.load(yaml);
    if (!result.errors().isEmpty()) {
      return error(400, result.errors());
    }
    ClusterSnapshot snapshot = state.get();
    List<PolicyRule> before = snapshot.rules();
    List<PolicyRule> after = WhatIf.replace(before, result);
    Object ports = ports(query, snapshot, after);
    if (ports instanceof ApiAnswer refused) {
      return refused;
    }
    @SuppressWarnings("unchecked")
    List<CellPort> chosen = (List<CellPort>) ports;
    return ok(
        WhatIf.diff(policy(snapshot, before), policy(snapshot, after), chosen, result.replaced()));
  }

  /** The chosen ports, or the answer refusing them. */
  private Object ports(
      Map<String, String> query, ClusterSnapshot snapshot, List<PolicyRule> rules) {
    String text = query.getOrDefault("ports", "").trim();
    if (text.isEmpty()) {
      List<CellPort> named = CellPorts.of(cluster(snapshot), List.of(snapshot.rules(), rules));
      if (named.isEmpty()) {
        return error(
            400,
            List.of("ports: neither the pods nor the policies name a port: choose, e.g. 80/TCP"));
      }
      return named.size() > PortList.MAX_PORTS ? named.subList(0, PortList.MAX_PORTS) : named;
    }
    PortList.Parsed parsed = PortList.parse(text);
    return parsed.errors().isEmpty() ? parsed.ports() : error(400, parsed.errors());
  }

  static Cluster cluster(ClusterSnapshot snapshot) {
    return new Cluster(
        snapshot.namespaces(), snapshot.workloads().stream().map(Workload::pod).toList());
  }

  private static ClusterPolicy policy(ClusterSnapshot snapshot, List<PolicyRule> rules) {
    return new ClusterPolicy(cluster(snapshot), rules, new InMemoryIdentityAllocator());
  }

  private ApiAnswer ok(Object body) {
    return new ApiAnswer(200, write(body));
  }

  private ApiAnswer error(int status, List<String> errors) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("errors", errors);
    return new ApiAnswer(status, write(body));
  }

  private String write(Object body) {
    try {
      return json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the page's JSON", e);
    }
  }
}
