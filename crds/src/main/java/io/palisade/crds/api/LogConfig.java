package io.palisade.crds.api;

/** A value copied into flow logs of traffic this rule decided. */
public record LogConfig(String value) {}
