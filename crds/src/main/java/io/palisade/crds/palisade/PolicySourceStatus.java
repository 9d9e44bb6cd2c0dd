package io.palisade.crds.palisade;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.palisade.crds.cilium.PolicyCondition;
import java.util.List;

/**
 * What happened to a source: the kstatus conditions for the generation they describe, the revision
 * fetched, attempted and applied, the last five outcomes, the objects it applied, the documents it
 * quarantined, where its webhook listens, and how each of the last revisions applied widened and
 * narrowed who may reach whom.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicySourceStatus(
    Long observedGeneration,
    List<PolicyCondition> conditions,
    SourceArtifact artifact,
    String lastAppliedRevision,
    String lastAttemptedRevision,
    String lastHandledReconcileAt,
    List<SourceHistoryEntry> history,
    SourceInventory inventory,
    List<QuarantinedDocument> quarantined,
    String webhookPath,
    List<ReachabilityChange> reachability) {}
