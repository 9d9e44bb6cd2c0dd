package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** An ingress deny rule: L3/L4 only, and it wins over every allow it overlaps. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IngressDenyRule(
    List<LabelSelector> fromEndpoints,
    @Size(max = 0) List<JsonNode> fromRequires,
    List<String> fromCIDR,
    List<CIDRRule> fromCIDRSet,
    List<String> fromEntities,
    List<Groups> fromGroups,
    List<LabelSelector> fromNodes,
    List<PortDenyRule> toPorts,
    List<ICMPRule> icmps) {}
