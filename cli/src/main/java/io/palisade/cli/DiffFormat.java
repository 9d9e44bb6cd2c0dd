package io.palisade.cli;

/** How {@code palisade diff} prints: the output formats of every command, and Markdown. */
enum DiffFormat {
  table,
  json,
  yaml,
  markdown
}
