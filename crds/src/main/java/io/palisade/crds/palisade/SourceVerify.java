package io.palisade.crds.palisade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LocalObjectReference;

/** Which signature must hold, and the Secret of the trusted keys. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceVerify(
    @JsonPropertyDescription("HEAD (the commit) or Tag (the annotated tag).") String mode,
    @JsonPropertyDescription(
            "A Secret whose *.asc keys are OpenPGP public keys and *.sshpub keys SSH public keys.")
        LocalObjectReference secretRef) {}
