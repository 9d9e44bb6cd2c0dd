package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** An HTTP request pattern; every field set must match (RE2 full-string regexes). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PortRuleHTTP(
    String path,
    String method,
    String host,
    List<String> headers,
    List<HeaderMatch> headerMatches) {}
