package io.palisade.crds.api;

/**
 * Mutual authentication required of the peers: {@code disabled}, {@code required} or {@code
 * test-always-fail}.
 */
public record Authentication(String mode) {}
