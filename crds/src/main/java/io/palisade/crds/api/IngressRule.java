package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** An ingress allow rule: from which peers, on which ports, with which L7 rules. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IngressRule(
    List<LabelSelector> fromEndpoints,
    @Size(max = 0) List<JsonNode> fromRequires,
    List<String> fromCIDR,
    List<CIDRRule> fromCIDRSet,
    List<String> fromEntities,
    List<Groups> fromGroups,
    List<LabelSelector> fromNodes,
    List<PortRule> toPorts,
    List<ICMPRule> icmps,
    Authentication authentication) {}
