package io.palisade.gitops;

import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What a {@link GitRef} pointed at after a fetch: the ref's name, the commit, the annotated tag
 * object when the ref is one, and the artifact revision {@code <name>@sha1:<sha>} (Flux's format; a
 * commit ref gives just {@code sha1:<sha>}).
 */
public record Resolved(String name, ObjectId commit, Optional<ObjectId> tag) {

  public String sha() {
    return commit.name();
  }

  public String revision() {
    return name.equals(commit.name()) ? "sha1:" + sha() : name + "@sha1:" + sha();
  }
}
