package io.palisade.gitops;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What to follow in a repository: a branch, a tag, the highest tag matching a semver range, or one
 * commit. Like Flux's {@code spec.ref}, exactly one is set.
 */
public sealed interface GitRef {

  /** The ref's name as it appears in the artifact revision {@code <name>@sha1:<sha>}. */
  String name();

  /** The ref's field under {@code spec.ref}, for error messages. */
  String field();

  /** Errors in the ref's value, each naming {@code spec.ref.<field>}. */
  List<SpecError> validate();

  static GitRef branch(String name) {
    return new Branch(name);
  }

  static GitRef tag(String name) {
    return new Tag(name);
  }

  static GitRef semver(String range) {
    return new SemVer(range);
  }

  static GitRef commit(String sha) {
    return new Commit(sha);
  }

  /** The tip of a branch. */
  record Branch(String name) implements GitRef {
    @Override
    public String field() {
      return "branch";
    }

    @Override
    public List<SpecError> validate() {
      return RefNames.check("spec.ref.branch", name);
    }
  }

  /** One tag, annotated or lightweight. */
  record Tag(String name) implements GitRef {
    @Override
    public String field() {
      return "tag";
    }

    @Override
    public List<SpecError> validate() {
      return RefNames.check("spec.ref.tag", name);
    }
  }

  /** The highest tag whose version satisfies {@code range} (see {@link SemVerRange}). */
  record SemVer(String range) implements GitRef {
    @Override
    public String name() {
      return range;
    }

    @Override
    public String field() {
      return "semver";
    }

    @Override
    public List<SpecError> validate() {
      try {
        SemVerRange.parse(range);
        return List.of();
      } catch (IllegalArgumentException e) {
        return List.of(new SpecError("spec.ref.semver", quote(range) + " " + e.getMessage()));
      }
    }
  }

  /** One commit, by its full SHA-1. */
  record Commit(String sha) implements GitRef {
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

    @Override
    public String name() {
      return sha;
    }

    @Override
    public String field() {
      return "commit";
    }

    @Override
    public List<SpecError> validate() {
      return sha != null && SHA1.matcher(sha).matches()
          ? List.of()
          : List.of(new SpecError("spec.ref.commit", quote(sha) + " is not a full SHA-1 (40 hex)"));
    }
  }

  private static String quote(String s) {
    return s == null ? "null" : '"' + s + '"';
  }

  /** Git's rules for ref names, as far as a user can get them wrong. */
  final class RefNames {
    private static final Pattern BAD = Pattern.compile("[\\x00-\\x20~^:?*\\[\\\\\\x7f]");

    private RefNames() {}

    static List<SpecError> check(String field, String name) {
      if (name == null || name.isBlank()) {
        return List.of(new SpecError(field, "must not be empty"));
      }
      Optional<String> why = Optional.empty();
      if (BAD.matcher(name).find()) {
        why = Optional.of("contains a character Git does not allow in ref names");
      } else if (name.contains("..") || name.contains("@{") || name.contains("//")) {
        why = Optional.of("contains '..', '@{' or '//'");
      } else if (name.startsWith("/") || name.endsWith("/") || name.endsWith(".lock")) {
        why = Optional.of("must not start or end with '/' or end with '.lock'");
      } else if (name.startsWith("refs/")) {
        why = Optional.of("is a short name: leave out the 'refs/heads/' or 'refs/tags/' prefix");
      }
      return why.map(w -> List.of(new SpecError(field, quote(name) + " " + w))).orElse(List.of());
    }
  }
}
