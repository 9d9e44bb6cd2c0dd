package io.palisade.pipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.pipeline.InMemoryNodeState;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.policy.load.PolicyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The careless edits of a policy directory that would open access at once (a file truncated,
 * renamed away, a directory emptied, the one clusterwide policy deleted) against the removal guard,
 * with real files read by the real loader into the local pipeline.
 */
class RemovalGuardTest {

  @TempDir Path dir;

  private RemovalBudget budget = RemovalBudget.DEFAULT;
  private LocalPipeline pipeline;

  private static String cnp(String name) {
    return """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: %s, namespace: default}
        spec:
          endpointSelector: {matchLabels: {app: %s}}
          ingress: [{fromEndpoints: [{matchLabels: {org: empire}}]}]
        """
        .formatted(name, name);
  }

  private static final String CCNP =
      """
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: {name: deny-alliance}
      spec:
        endpointSelector: {}
        ingressDeny: [{fromEndpoints: [{matchLabels: {org: alliance}}]}]
      """;

  private void write(String file, String... docs) throws IOException {
    Files.writeString(dir.resolve(file), String.join("---\n", docs));
  }

  /** Reads the directory into the pipeline, made on the first read with {@link #budget}. */
  private Optional<SnapshotIntake.Refusal> read() {
    if (pipeline == null) {
      pipeline = new LocalPipeline("local", new InMemoryNodeState(), budget);
    }
    Optional<SnapshotIntake.Refusal> r =
        pipeline.accept(PolicySnapshot.of("files", new PolicyLoader().load(List.of(dir))));
    pipeline.run();
    return r;
  }

  private Set<String> inForce() {
    return pipeline.inventory().policies().stream()
        .filter(ref -> pipeline.inventory().inForce(ref).isPresent())
        .map(PolicyRef::name)
        .collect(Collectors.toSet());
  }

  @Test
  void aFileTruncatedToZeroBytesIsAnErrorAndRemovesNothing() throws IOException {
    write("empire.yaml", cnp("a"), cnp("b"));
    write("other.yaml", cnp("c"));
    assertThat(read()).isEmpty();
    Files.write(dir.resolve("empire.yaml"), new byte[0]);
    PolicySnapshot truncated = PolicySnapshot.of("files", new PolicyLoader().load(List.of(dir)));
    assertThat(truncated.complete()).isFalse();
    assertThat(truncated.fileErrors())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("empire.yaml")
        .contains("holds no YAML document");
    assertThat(pipeline.accept(truncated)).isEmpty();
    pipeline.run();
    assertThat(inForce()).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void aFileOfCommentsAloneIsAnErrorToo() throws IOException {
    write("empire.yaml", cnp("a"));
    assertThat(read()).isEmpty();
    Files.writeString(dir.resolve("empire.yaml"), "# moved elsewhere\n---\n");
    assertThat(read()).isEmpty();
    assertThat(inForce()).containsExactly("a");
  }

  @Test
  void aFileRenamedAwayThatHeldMostPoliciesIsRefused() throws IOException {
    write("empire.yaml", cnp("a"), cnp("b"), cnp("c"));
    write("other.yaml", cnp("d"), cnp("e"));
    assertThat(read()).isEmpty();
    Files.move(dir.resolve("empire.yaml"), dir.resolve("empire.yaml.orig"));
    Optional<SnapshotIntake.Refusal> refused = read();
    assertThat(refused)
        .hasValueSatisfying(
            r -> {
              assertThat(r.reason()).contains("would delete 3 of 5 objects").contains("50%");
              assertThat(r.wouldRemove())
                  .extracting(PolicyRef::name)
                  .containsExactly("a", "b", "c");
            });
    assertThat(inForce()).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
    // Renamed back: within the budget again, and nothing was lost meanwhile.
    Files.move(dir.resolve("empire.yaml.orig"), dir.resolve("empire.yaml"));
    assertThat(read()).isEmpty();
    assertThat(inForce()).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
  }

  @Test
  void anEmptiedDirectoryIsRefusedAndChangesNothingElse() throws IOException {
    write("a.yaml", cnp("a"));
    write("b.yaml", cnp("b"));
    assertThat(read()).isEmpty();
    Files.delete(dir.resolve("a.yaml"));
    Files.delete(dir.resolve("b.yaml"));
    assertThat(read())
        .hasValueSatisfying(
            r ->
                assertThat(r.reason())
                    .contains("would delete 2 of 2 objects")
                    .contains("--prune-budget unlimited"));
    assertThat(inForce()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aRefusedSnapshotTakesNoneOfItsOtherChangesEither() throws IOException {
    write("a.yaml", cnp("a"));
    write("b.yaml", cnp("b"));
    write("c.yaml", cnp("c"));
    assertThat(read()).isEmpty();
    long generation = pipeline.inventory().generationInForce(ref("a")).orElseThrow();
    Files.delete(dir.resolve("b.yaml"));
    Files.delete(dir.resolve("c.yaml"));
    write("a.yaml", cnp("a").replace("empire", "rebels"));
    write("new.yaml", cnp("new"));
    assertThat(read()).isPresent();
    assertThat(inForce()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(pipeline.inventory().generationInForce(ref("a"))).contains(generation);
  }

  @Test
  void deletingOneOfThreePoliciesIsWithinTheBudget() throws IOException {
    write("a.yaml", cnp("a"));
    write("b.yaml", cnp("b"));
    write("c.yaml", cnp("c"));
    assertThat(read()).isEmpty();
    Files.delete(dir.resolve("c.yaml"));
    assertThat(read()).isEmpty();
    assertThat(inForce()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void deletingTheOnlyClusterwidePolicyIsRefusedWhateverTheShare() throws IOException {
    write("a.yaml", cnp("a"));
    write("b.yaml", cnp("b"));
    write("c.yaml", cnp("c"));
    write("ccnp.yaml", CCNP);
    budget = RemovalBudget.parse("100%");
    assertThat(read()).isEmpty();
    Files.delete(dir.resolve("ccnp.yaml"));
    assertThat(read())
        .hasValueSatisfying(
            r ->
                assertThat(r.reason())
                    .contains("clusterwide [CiliumClusterwideNetworkPolicy deny-alliance]"));
    assertThat(inForce()).contains("deny-alliance");
  }

  @Test
  void anUnlimitedBudgetLetsTheDirectoryBeEmptied() throws IOException {
    write("a.yaml", cnp("a"));
    write("ccnp.yaml", CCNP);
    budget = RemovalBudget.UNLIMITED;
    assertThat(read()).isEmpty();
    Files.delete(dir.resolve("a.yaml"));
    Files.delete(dir.resolve("ccnp.yaml"));
    assertThat(read()).isEmpty();
    assertThat(pipeline.inventory().policies()).isEmpty();
  }

  @Test
  void aShareBudgetAllowsThatShare() throws IOException {
    write("a.yaml", cnp("a"));
    write("b.yaml", cnp("b"));
    write("c.yaml", cnp("c"));
    write("d.yaml", cnp("d"));
    budget = RemovalBudget.parse("75%");
    assertThat(read()).isEmpty();
    Files.delete(dir.resolve("b.yaml"));
    Files.delete(dir.resolve("c.yaml"));
    Files.delete(dir.resolve("d.yaml"));
    assertThat(read()).isEmpty();
    assertThat(inForce()).containsExactly("a");
  }

  private static PolicyRef ref(String name) {
    return new PolicyRef("CiliumNetworkPolicy", "default", name);
  }
}
