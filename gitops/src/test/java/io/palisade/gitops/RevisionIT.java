package io.palisade.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.gitops.PrunePlan.Decision;
import io.palisade.gitops.PrunePlan.InventoryEntry;
import io.palisade.pipeline.RemovalBudget;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole revisions fetched over smart HTTP and read under a path: bad documents are quarantined with
 * every error while the good ones are kept, and pruning follows the revision within budget.
 */
class RevisionIT {

  @TempDir Path dir;
  Upstream upstream;
  HttpGitServer server;
  RepositoryCache cache;
  SourceSync sync;

  @BeforeEach
  void setUp() throws Exception {
    upstream = new Upstream(dir);
    server = HttpGitServer.open(upstream.root);
    cache = new RepositoryCache(dir.resolve("cache"));
    sync = new SourceSync(cache);
  }

  @AfterEach
  void tearDown() {
    cache.close();
    server.close();
  }

  RevisionContent poll() {
    GitSource source =
        GitSource.of(server.url("policies.git"), GitRef.branch("main"))
            .withPath("./clusters/prod/");
    SourceSync.Outcome outcome = sync.sync(source);
    assertThat(outcome).isInstanceOf(SourceSync.Outcome.Fetched.class);
    return ((SourceSync.Outcome.Fetched) outcome).content();
  }

  @Test
  void readsOnlyManifestsUnderThePathAndQuarantinesTheBadOnesWithEveryError() throws Exception {
    String sha =
        upstream
            .write("clusters/prod/web.yaml", Policies.cnp("prod", "web", 80))
            .write(
                "clusters/prod/nested/db.yml",
                Policies.cnp("prod", "db", 5432) + "---\n" + Policies.ccnp("baseline"))
            .write("clusters/prod/broken.yaml", Policies.invalidCnp("prod", "broken"))
            .write("clusters/prod/garbled.yaml", Policies.NOT_YAML)
            .write("clusters/prod/README.md", "not a manifest")
            .write("clusters/staging/other.yaml", Policies.cnp("staging", "other", 80))
            .commit("prod policies");
    upstream.push();

    RevisionContent content = poll();
    assertThat(content.revision()).isEqualTo("main@sha1:" + sha);
    assertThat(content.files())
        .containsExactlyInAnyOrder(
            "clusters/prod/web.yaml",
            "clusters/prod/nested/db.yml",
            "clusters/prod/broken.yaml",
            "clusters/prod/garbled.yaml");
    assertThat(content.valid())
        .extracting(d -> d.name())
        .containsExactlyInAnyOrder("web", "db", "baseline");
    assertThat(content.policies().rules()).isNotEmpty();

    RevisionContent.Quarantined broken =
        content.quarantined().stream()
            .filter(q -> q.file().endsWith("broken.yaml"))
            .findFirst()
            .orElseThrow();
    assertThat(broken.object())
        .contains(new ObjectRef("cilium.io", "CiliumNetworkPolicy", "prod", "broken"));
    content
        .quarantined()
        .forEach(q -> q.errors().forEach(e -> System.out.println("quarantined: " + e)));
    assertThat(broken.errors()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(String.join("\n", broken.errors())).contains("10.0.0.0/33").contains("70000");
    assertThat(content.unreadableFiles()).containsExactly("clusters/prod/garbled.yaml");
  }

  @Test
  void aPathThatIsMissingIsAReadFailureNotAnEmptyRevision() throws Exception {
    upstream.write("elsewhere/a.yaml", Policies.cnp("prod", "a", 80)).commit("a");
    upstream.push();
    GitSource source =
        GitSource.of(server.url("policies.git"), GitRef.branch("main")).withPath("clusters/prod");
    assertThat(sync.sync(source))
        .isInstanceOfSatisfying(
            SourceSync.Outcome.Failed.class,
            f -> {
              assertThat(f.stage()).isEqualTo(SourceSync.Stage.READ);
              assertThat(f.reason()).contains("spec.path: \"clusters/prod\" is not a directory");
            });
  }

  @Test
  void aRevisionThatWouldPrunePastTheBudgetIsRefusedAndOneWithinItPrunes() throws Exception {
    for (String n : List.of("a", "b", "c", "d")) {
      upstream.write("clusters/prod/" + n + ".yaml", Policies.cnp("prod", n, 80));
    }
    upstream.commit("four policies");
    upstream.push();
    List<InventoryEntry> inventory =
        poll().declared().stream().map(r -> new InventoryEntry(r, Map.of())).toList();
    assertThat(inventory).hasSize(4);

    upstream
        .delete("clusters/prod/a.yaml")
        .delete("clusters/prod/b.yaml")
        .delete("clusters/prod/c.yaml")
        .commit("oops");
    upstream.push();
    RevisionContent oops = poll();
    Decision refused =
        PrunePlan.plan(
            true, inventory, oops.declared(), oops.unreadableFiles(), RemovalBudget.DEFAULT);
    assertThat(refused)
        .isInstanceOfSatisfying(
            Decision.Refused.class,
            r -> {
              assertThat(r.reason())
                  .contains("would delete 3 of 4 objects, over the budget of 50%");
              assertThat(r.wouldDelete()).hasSize(3);
            });

    upstream.git("revert", "--no-edit", "HEAD");
    upstream.delete("clusters/prod/a.yaml").commit("retire a");
    upstream.push();
    RevisionContent fine = poll();
    assertThat(
            PrunePlan.plan(
                true, inventory, fine.declared(), fine.unreadableFiles(), RemovalBudget.DEFAULT))
        .isEqualTo(
            new Decision.Prune(
                List.of(new ObjectRef("cilium.io", "CiliumNetworkPolicy", "prod", "a")),
                List.of()));
  }

  @Test
  void aPolicyThatTurnsInvalidIsKeptInForceAndAGarbledFileBlocksPruning() throws Exception {
    upstream
        .write("clusters/prod/a.yaml", Policies.cnp("prod", "a", 80))
        .write("clusters/prod/b.yaml", Policies.cnp("prod", "b", 80))
        .write("clusters/prod/c.yaml", Policies.cnp("prod", "c", 80))
        .commit("three");
    upstream.push();
    List<InventoryEntry> inventory =
        poll().declared().stream().map(r -> new InventoryEntry(r, Map.of())).toList();

    upstream.write("clusters/prod/a.yaml", Policies.invalidCnp("prod", "a")).commit("break a");
    upstream.push();
    RevisionContent broken = poll();
    assertThat(
            PrunePlan.plan(
                true,
                inventory,
                broken.declared(),
                broken.unreadableFiles(),
                RemovalBudget.DEFAULT))
        .isEqualTo(new Decision.Prune(List.of(), List.of()));

    upstream.write("clusters/prod/b.yaml", Policies.NOT_YAML).commit("garble b");
    upstream.push();
    RevisionContent garbled = poll();
    assertThat(
            PrunePlan.plan(
                true,
                inventory,
                garbled.declared(),
                garbled.unreadableFiles(),
                RemovalBudget.UNLIMITED))
        .isInstanceOfSatisfying(
            Decision.Refused.class, r -> assertThat(r.reason()).contains("clusters/prod/b.yaml"));
  }

  @Test
  void anObjectDefinedInTwoFilesIsQuarantinedOnceAndTheFirstKept() throws Exception {
    upstream
        .write("clusters/prod/a.yaml", Policies.cnp("prod", "web", 80))
        .write("clusters/prod/b.yaml", Policies.cnp("prod", "web", 443))
        .commit("twice");
    upstream.push();
    RevisionContent content = poll();
    assertThat(content.valid()).hasSize(1);
    assertThat(content.quarantined())
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.file()).isEqualTo("clusters/prod/b.yaml");
              assertThat(q.errors())
                  .singleElement()
                  .asString()
                  .contains("duplicates the object defined in clusters/prod/a.yaml");
            });
  }

  @Test
  void aRevisionOverTheLimitsIsRefusedWholeAndTheDigestFollowsTheContent() throws Exception {
    upstream
        .write("clusters/prod/a.yaml", Policies.cnp("prod", "a", 80))
        .write("clusters/prod/b.yaml", Policies.cnp("prod", "b", 80))
        .commit("two");
    upstream.push();
    RepositoryCache.Fetched f =
        cache.fetch(GitSource.of(server.url("policies.git"), GitRef.branch("main")));
    assertThatThrownBy(
            () ->
                new RevisionReader(new RevisionReader.Limits(1, 1 << 20))
                    .read(f.repository(), f.resolved(), ""))
        .isInstanceOf(RevisionException.class)
        .hasMessageContaining("more than 1 manifests");
    assertThatThrownBy(
            () ->
                new RevisionReader(new RevisionReader.Limits(10, 100))
                    .read(f.repository(), f.resolved(), ""))
        .isInstanceOf(RevisionException.class)
        .hasMessageContaining("more than 100 bytes");

    String digest = poll().digest();
    assertThat(digest).startsWith("sha256:");
    upstream.write("README.md", "docs only").commit("docs");
    upstream.push();
    assertThat(poll().digest()).isEqualTo(digest);
    upstream.write("clusters/prod/b.yaml", Policies.cnp("prod", "b", 81)).commit("port");
    upstream.push();
    assertThat(poll().digest()).isNotEqualTo(digest);
  }
}
