package io.palisade.pipeline.model;

import io.palisade.policy.Protocol;

/** One backend of a Service port: an endpoint's address and the port it serves on. */
public record Backend(String address, int port, Protocol protocol) {}
