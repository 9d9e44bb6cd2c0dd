package io.palisade.crds.palisade;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How an applied revision changed who may reach whom over the pods the operator sees: the pod x pod
 * x port cells that widened (more gets through) and narrowed since the revision applied before it.
 * {@code complete} is false when the count stopped at its budget; {@code message} says why, or why
 * nothing was counted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReachabilityChange(
    String revision,
    String fromRevision,
    Long widened,
    Long narrowed,
    Boolean complete,
    String message) {}
