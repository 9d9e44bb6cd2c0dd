package io.palisade.pipeline.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One verdict of the datapath as a user reads it: the event with pods instead of bare addresses and
 * the policy rule that decided it, with where that policy came from. {@link #toJson} is the one
 * home of its JSON shape: the flow log's lines, standalone's {@code /api/flows} and {@code palisade
 * observe -o json} all write it, and {@link #fromJson} reads it back.
 */
public record Flow(
    Instant time,
    String verdict,
    String reason,
    String direction,
    String protocol,
    Endpoint source,
    Endpoint destination,
    Optional<PolicyDecision> policy,
    List<PolicyDecision> defaultDenyOf,
    List<String> auditPolicies,
    int ifindex,
    Optional<String> node) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public Flow {
    defaultDenyOf = List.copyOf(defaultDenyOf);
    auditPolicies = List.copyOf(auditPolicies);
  }

  /** A flow of this process's own node, which it need not name. */
  public Flow(
      Instant time,
      String verdict,
      String reason,
      String direction,
      String protocol,
      Endpoint source,
      Endpoint destination,
      Optional<PolicyDecision> policy,
      List<PolicyDecision> defaultDenyOf,
      List<String> auditPolicies,
      int ifindex) {
    this(
        time,
        verdict,
        reason,
        direction,
        protocol,
        source,
        destination,
        policy,
        defaultDenyOf,
        auditPolicies,
        ifindex,
        Optional.empty());
  }

  /** This flow as seen on {@code node}: how the operator marks the flows its daemons relay. */
  public Flow onNode(String node) {
    return new Flow(
        time,
        verdict,
        reason,
        direction,
        protocol,
        source,
        destination,
        policy,
        defaultDenyOf,
        auditPolicies,
        ifindex,
        Optional.of(node));
  }

  /** One end of a flow: the pod (name and namespace) when the address is a pod's. */
  public record Endpoint(
      Optional<String> pod, Optional<String> namespace, String address, long identity, int port) {

    /** {@code namespace/pod}, or the address when it is no pod's. */
    public String display() {
      return pod.map(p -> namespace.map(n -> n + "/").orElse("") + p).orElse(address);
    }
  }

  public boolean isDrop() {
    return !verdict.equals("allowed") && !verdict.equals("redirected") && !verdict.equals("audit");
  }

  /** The flow as one JSON object (a flow log line, an element of {@code /api/flows}). */
  public ObjectNode toJsonNode() {
    ObjectNode o = JSON.createObjectNode();
    o.put("time", time.toString());
    o.put("verdict", verdict);
    o.put("reason", reason);
    o.put("direction", direction);
    o.put("protocol", protocol);
    o.set("source", endpoint(source));
    o.set("destination", endpoint(destination));
    if (policy.isPresent()) {
      o.set("policy", decision(policy.get()));
    } else {
      o.putNull("policy");
    }
    ArrayNode denies = o.putArray("default_deny_of");
    defaultDenyOf.forEach(d -> denies.add(decision(d)));
    if (!auditPolicies.isEmpty()) {
      ArrayNode audit = o.putArray("policies");
      auditPolicies.forEach(audit::add);
    }
    o.put("ifindex", ifindex);
    // Only relayed flows carry it, so a node's own log and /api/flows keep their shape.
    node.ifPresent(n -> o.put("node", n));
    return o;
  }

  public String toJson() {
    return toJsonNode().toString();
  }

  private static ObjectNode endpoint(Endpoint e) {
    ObjectNode o = JSON.createObjectNode();
    text(o, "pod", e.pod());
    text(o, "namespace", e.namespace());
    o.put("address", e.address());
    o.put("identity", e.identity());
    o.put("port", e.port());
    return o;
  }

  private static ObjectNode decision(PolicyDecision d) {
    ObjectNode o = JSON.createObjectNode();
    o.put("kind", d.kind());
    if (d.namespace().isEmpty()) {
      o.putNull("namespace");
    } else {
      o.put("namespace", d.namespace());
    }
    o.put("name", d.name());
    o.put("rule", d.rule());
    o.put("source", d.source());
    return o;
  }

  private static void text(ObjectNode o, String field, Optional<String> value) {
    if (value.isPresent()) {
      o.put(field, value.get());
    } else {
      o.putNull(field);
    }
  }

  /** Reads a flow that {@link #toJson} wrote; throws IllegalArgumentException naming the field. */
  public static Flow fromJson(JsonNode o) {
    List<PolicyDecision> denies = new ArrayList<>();
    o.path("default_deny_of").forEach(d -> denies.add(decisionOf(d)));
    List<String> audit = new ArrayList<>();
    o.path("policies").forEach(p -> audit.add(p.asText()));
    JsonNode policy = o.path("policy");
    return new Flow(
        Instant.parse(required(o, "time").asText()),
        required(o, "verdict").asText(),
        required(o, "reason").asText(),
        required(o, "direction").asText(),
        required(o, "protocol").asText(),
        endpointOf(required(o, "source")),
        endpointOf(required(o, "destination")),
        policy.isObject() ? Optional.of(decisionOf(policy)) : Optional.empty(),
        denies,
        audit,
        o.path("ifindex").asInt(),
        optionalText(o, "node"));
  }

  private static Endpoint endpointOf(JsonNode e) {
    return new Endpoint(
        optionalText(e, "pod"),
        optionalText(e, "namespace"),
        required(e, "address").asText(),
        e.path("identity").asLong(),
        e.path("port").asInt());
  }

  private static PolicyDecision decisionOf(JsonNode d) {
    return new PolicyDecision(
        required(d, "kind").asText(),
        optionalText(d, "namespace").orElse(""),
        required(d, "name").asText(),
        d.path("rule").asText(""),
        d.path("source").asText(""));
  }

  private static Optional<String> optionalText(JsonNode o, String field) {
    JsonNode v = o.path(field);
    return v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }

  private static JsonNode required(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("flow." + field + ": missing");
    }
    return v;
  }
}
