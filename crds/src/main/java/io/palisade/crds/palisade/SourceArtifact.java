package io.palisade.crds.palisade;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The revision last fetched: {@code <ref>@sha1:<sha>} as Flux writes it, the digest of its
 * manifests, and when it was first seen.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceArtifact(String revision, String digest, String lastUpdateTime) {}
