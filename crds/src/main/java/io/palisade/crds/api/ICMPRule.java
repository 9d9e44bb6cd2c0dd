package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** ICMP types allowed or denied. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ICMPRule(List<ICMPField> fields) {}
