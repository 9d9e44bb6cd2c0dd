package io.palisade.cli.standalone;

import io.palisade.pipeline.local.PolicySnapshot;
import java.util.Optional;

/** Where standalone mode reads policies from: files and directories, or a Git repository. */
public interface SnapshotSource {

  /**
   * A new snapshot when the source changed since the last call, empty when it did not or when it
   * cannot be read now (a fetch failure means "no change", never "no policies").
   */
  Optional<PolicySnapshot> poll();

  /** Why the last poll could not read the source, if it could not. */
  Optional<String> problem();
}
