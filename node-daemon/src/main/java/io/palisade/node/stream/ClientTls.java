package io.palisade.node.stream;

import java.nio.file.Path;

/**
 * The daemon's side of mutual TLS: its certificate and key (whose CN must name its node, as the
 * operator checks) and the CA it trusts for the operator's certificate, all PEM files.
 */
public record ClientTls(Path certificate, Path key, Path ca) {}
