package io.palisade.cli;

import io.palisade.gitops.GitRef;
import io.palisade.gitops.GitSource;
import io.palisade.gitops.RevisionContent;
import io.palisade.gitops.SourceSync;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the policies of a repository's path at a revision, through the fetch, limits and validation
 * of standalone mode's Git source (and the operator's PolicySource). A revision is a full commit
 * SHA-1, {@code refs/heads/B}, {@code refs/tags/T}, or a name tried as a branch, then as a tag.
 */
final class GitRevisions {

  private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

  private final SourceSync sync;
  private final String url;
  private final String path;

  GitRevisions(SourceSync sync, String url, String path) {
    this.sync = sync;
    this.url = url;
    this.path = path;
  }

  /**
   * The revision's content, every document valid; empty after printing to {@code err} why not: the
   * fetch or read failed, or each error of each invalid document, as validate prints them.
   */
  Optional<RevisionContent> read(String option, String rev, PrintWriter err) {
    List<String> failures = new ArrayList<>();
    for (GitRef ref : refs(rev)) {
      switch (sync.sync(GitSource.of(url, ref).withPath(path))) {
        case SourceSync.Outcome.Failed f -> failures.add(f.reason());
        case SourceSync.Outcome.Fetched f -> {
          RevisionContent content = f.content();
          for (RevisionContent.Quarantined q : content.quarantined()) {
            q.errors().forEach(e -> err.println(content.revision() + ": " + e));
          }
          return content.quarantined().isEmpty() ? Optional.of(content) : Optional.empty();
        }
      }
    }
    err.println("palisade: " + option + " " + rev + ": " + String.join("; ", failures));
    return Optional.empty();
  }

  private static List<GitRef> refs(String rev) {
    if (SHA1.matcher(rev).matches()) {
      return List.of(GitRef.commit(rev));
    }
    if (rev.startsWith("refs/heads/")) {
      return List.of(GitRef.branch(rev.substring("refs/heads/".length())));
    }
    if (rev.startsWith("refs/tags/")) {
      return List.of(GitRef.tag(rev.substring("refs/tags/".length())));
    }
    return List.of(GitRef.branch(rev), GitRef.tag(rev));
  }
}
