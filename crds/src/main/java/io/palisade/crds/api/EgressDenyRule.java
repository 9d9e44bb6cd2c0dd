package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** An egress deny rule: L3/L4 only, and it wins over every allow it overlaps. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EgressDenyRule(
    List<LabelSelector> toEndpoints,
    @Size(max = 0) List<JsonNode> toRequires,
    List<String> toCIDR,
    List<CIDRRule> toCIDRSet,
    List<String> toEntities,
    List<Groups> toGroups,
    List<LabelSelector> toNodes,
    List<Service> toServices,
    List<PortDenyRule> toPorts,
    List<ICMPRule> icmps) {}
