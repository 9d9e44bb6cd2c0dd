/**
 * The command-line conventions both binaries share ({@code palisade} and {@code palisade-node}):
 * the version the build wrote, the log format, and shell completion.
 */
package io.palisade.node.cli;
