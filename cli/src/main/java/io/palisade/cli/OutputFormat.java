package io.palisade.cli;

/** How a command prints its result: for people ({@code table}), or for programs. */
public enum OutputFormat {
  table,
  json,
  yaml
}
