package io.palisade.crds.palisade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LocalObjectReference;

/**
 * What a PolicySource follows and how. Every field is checked by the operator, which reports each
 * bad one in status at its field path; the schema only fixes the types, so no error is lost to a
 * refused apply.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicySourceSpec(
    @JsonPropertyDescription("The repository: https://, ssh:// or file://.") String url,
    @JsonPropertyDescription("What to follow: exactly one of branch, tag, semver or commit.")
        SourceRef ref,
    @JsonPropertyDescription("The directory of the policies in the repository; default the root.")
        String path,
    @JsonPropertyDescription("How often to poll, e.g. 1m (default), with 5% jitter.")
        String interval,
    @JsonPropertyDescription("Timeout of one fetch, e.g. 60s (default).") String timeout,
    @JsonPropertyDescription(
            "A Secret of this namespace with username/password, bearerToken, or identity and"
                + " known_hosts.")
        LocalObjectReference secretRef,
    @JsonPropertyDescription("Signature verification of the commit or tag.") SourceVerify verify,
    @JsonPropertyDescription("Delete the objects that leave the repository; default true.")
        Boolean prune,
    @JsonPropertyDescription("Stop syncing; what is applied stays.") Boolean suspend,
    @JsonPropertyDescription(
            "On deletion of the source: Orphan (default) leaves the policies, Delete removes the"
                + " inventory.")
        String deletionPolicy,
    @JsonPropertyDescription("A push receiver that syncs at once.") SourceWebhook webhook) {}
