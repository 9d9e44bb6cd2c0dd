package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One policy rule: a subject and what it may send and receive (Cilium's {@code api.Rule}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rule(
    LabelSelector endpointSelector,
    LabelSelector nodeSelector,
    List<IngressRule> ingress,
    List<IngressDenyRule> ingressDeny,
    List<EgressRule> egress,
    List<EgressDenyRule> egressDeny,
    List<RuleLabel> labels,
    DefaultDeny enableDefaultDeny,
    String description,
    LogConfig log) {}
