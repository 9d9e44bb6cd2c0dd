package io.palisade.crds.palisade;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The ref a source follows: exactly one of a branch, a tag, a semver range or a commit SHA-1. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceRef(String branch, String tag, String semver, String commit) {}
