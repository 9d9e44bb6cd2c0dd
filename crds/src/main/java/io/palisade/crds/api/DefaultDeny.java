package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Whether a rule puts its subject into default deny per direction; absent means "if it has rules
 * there".
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DefaultDeny(Boolean ingress, Boolean egress) {}
