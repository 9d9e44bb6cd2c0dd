package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A CIDR peer with exceptions, or a reference to CiliumCIDRGroups. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CIDRRule(
    String cidr, String cidrGroupRef, LabelSelector cidrGroupSelector, List<String> except) {}
