package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** An egress allow rule: to which peers, on which ports, with which L7 rules. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EgressRule(
    List<LabelSelector> toEndpoints,
    @Size(max = 0) List<JsonNode> toRequires,
    List<String> toCIDR,
    List<CIDRRule> toCIDRSet,
    List<String> toEntities,
    List<Groups> toGroups,
    List<LabelSelector> toNodes,
    List<Service> toServices,
    List<FQDNSelector> toFQDNs,
    List<PortRule> toPorts,
    List<ICMPRule> icmps,
    Authentication authentication) {}
