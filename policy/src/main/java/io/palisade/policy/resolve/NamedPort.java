package io.palisade.policy.resolve;

import io.palisade.policy.Protocol;

/** A container port by name, as a pod declares it. */
public record NamedPort(String name, Protocol protocol, int port) {}
