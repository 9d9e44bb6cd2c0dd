package io.palisade.crds.palisade;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One outcome of a revision (Applied, Quarantined, PruneRefused, ApplyFailed) and since when. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceHistoryEntry(String revision, String digest, String time, String outcome) {}
