package io.palisade.crds.palisade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LocalObjectReference;

/** A receiver for push notifications; its path derives from the token and is put in status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceWebhook(
    @JsonPropertyDescription("github (default), gitlab or generic-hmac.") String type,
    @JsonPropertyDescription("A Secret of this namespace holding the key token.")
        LocalObjectReference secretRef) {}
