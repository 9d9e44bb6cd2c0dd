package io.palisade.node.harness;

import io.palisade.pipeline.NodeStateApplier;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.policy.load.LoadResult;

/**
 * The file-mode pipeline a datapath test drives, as {@code palisade-node} in file mode runs it:
 * policies and a cluster file, each refused loudly when it has errors (a test whose input is wrong
 * must not read as a verdict), onto the test's applier. Not yet run: the caller runs it inside the
 * node's namespace.
 */
public final class FileModePipeline {

  private FileModePipeline() {}

  /** A pipeline with {@code policies} (revision {@code revision}) and {@code clusterYaml}. */
  public static LocalPipeline of(
      NodeStateApplier applier, String revision, LoadResult policies, String clusterYaml) {
    if (!policies.errors().isEmpty()) {
      throw new IllegalArgumentException("the test's policies have errors: " + policies.errors());
    }
    ClusterFile.Result cluster = ClusterFile.read(clusterYaml);
    if (!cluster.errors().isEmpty()) {
      throw new IllegalArgumentException("the test's cluster file has errors: " + cluster.errors());
    }
    LocalPipeline pipeline = new LocalPipeline("local", applier, RemovalBudget.parse("unlimited"));
    pipeline.accept(PolicySnapshot.of(revision, policies));
    pipeline.accept(cluster.contents());
    return pipeline;
  }
}
