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
    @JsonPropertyDescription("A push receiver that syncs at once.") SourceWebhook webhook) {

  /** A spec of the repository at {@code url} with every other field left to its default. */
  public static PolicySourceSpec of(String url) {
    return new PolicySourceSpec(url, null, null, null, null, null, null, null, null, null, null);
  }

  public PolicySourceSpec withRef(SourceRef r) {
    return new PolicySourceSpec(
        url,
        r,
        path,
        interval,
        timeout,
        secretRef,
        verify,
        prune,
        suspend,
        deletionPolicy,
        webhook);
  }

  public PolicySourceSpec withPath(String p) {
    return new PolicySourceSpec(
        url, ref, p, interval, timeout, secretRef, verify, prune, suspend, deletionPolicy, webhook);
  }

  public PolicySourceSpec withInterval(String i) {
    return new PolicySourceSpec(
        url, ref, path, i, timeout, secretRef, verify, prune, suspend, deletionPolicy, webhook);
  }

  public PolicySourceSpec withSecretRef(LocalObjectReference s) {
    return new PolicySourceSpec(
        url, ref, path, interval, timeout, s, verify, prune, suspend, deletionPolicy, webhook);
  }

  public PolicySourceSpec withVerify(SourceVerify v) {
    return new PolicySourceSpec(
        url, ref, path, interval, timeout, secretRef, v, prune, suspend, deletionPolicy, webhook);
  }

  public PolicySourceSpec withSuspend(Boolean s) {
    return new PolicySourceSpec(
        url, ref, path, interval, timeout, secretRef, verify, prune, s, deletionPolicy, webhook);
  }

  public PolicySourceSpec withDeletionPolicy(String d) {
    return new PolicySourceSpec(
        url, ref, path, interval, timeout, secretRef, verify, prune, suspend, d, webhook);
  }

  public PolicySourceSpec withWebhook(SourceWebhook w) {
    return new PolicySourceSpec(
        url, ref, path, interval, timeout, secretRef, verify, prune, suspend, deletionPolicy, w);
  }
}
