package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.IntOrString;

/** One ICMP type, by number or by name, for IPv4 (the default) or IPv6. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ICMPField(String family, IntOrString type) {}
