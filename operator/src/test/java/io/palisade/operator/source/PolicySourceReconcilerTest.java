package io.palisade.operator.source;

import static io.palisade.operator.source.SourceCluster.NS;
import static io.palisade.operator.source.SourceCluster.message;
import static io.palisade.operator.source.SourceCluster.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.palisade.crds.palisade.InventoryEntry;
import io.palisade.crds.palisade.PolicySource;
import io.palisade.crds.palisade.PolicySourceSpec;
import io.palisade.crds.palisade.PolicySourceStatus;
import io.palisade.crds.palisade.ReachabilityChange;
import io.palisade.crds.palisade.SourceRef;
import io.palisade.crds.palisade.SourceVerify;
import io.palisade.gitops.GitRef;
import io.palisade.gitops.GitSource;
import io.palisade.gitops.Policies;
import io.palisade.gitops.PrunePlan;
import io.palisade.gitops.SourceSync;
import io.palisade.gitops.SshKeys;
import io.palisade.node.harness.PrometheusText;
import io.palisade.operator.status.OwnWrites;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PolicySource reconciler under plain JOSDK against the mock API server, syncing a real Git
 * repository over smart HTTP: apply, quarantine, failed fetches, signatures, force pushes, the
 * prune budget and opt-out, suspend, deletion policies, manual requests and invalid specs.
 */
class PolicySourceReconcilerTest {

  @RegisterExtension final SourceCluster c = new SourceCluster();

  private String commit(Map<String, String> files, String message) throws Exception {
    for (var f : files.entrySet()) {
      c.upstream.write(f.getKey(), f.getValue());
    }
    String sha = c.upstream.commit(message);
    c.upstream.push();
    return sha;
  }

  /** Commits a port-80 policy p/NAME.yaml for each name, and syncs source src from p. */
  private void syncedWith(String... names) throws Exception {
    Map<String, String> files = new java.util.TreeMap<>();
    for (String n : names) {
      files.put("p/" + n + ".yaml", Policies.cnp(NS, n, 80));
    }
    commit(files, names.length + " policies");
    c.create("src", SourceCluster.spec(c.url(), "p"));
    c.awaitStatus("src", x -> ready(x, "True", "Applied"));
  }

  private PolicySourceStatus awaitAttempted(String source, String sha) {
    return c.awaitStatus(
        source, s -> s.lastAttemptedRevision() != null && s.lastAttemptedRevision().endsWith(sha));
  }

  @Test
  void aSourceSyncsItsPoliciesWhichAppearUnderOneFieldManagerAndItIsReady() throws Exception {
    String sha =
        commit(
            Map.of("p/a.yaml", Policies.cnp(NS, "a", 80), "p/b.yaml", Policies.cnp(NS, "b", 81)),
            "two policies");

    c.create("src", SourceCluster.spec(c.url(), "p"));

    PolicySourceStatus s = c.awaitStatus("src", x -> ready(x, "True", "Applied"));
    assertThat(s.artifact().revision()).isEqualTo("main@sha1:" + sha);
    assertThat(s.lastAppliedRevision()).isEqualTo("main@sha1:" + sha);
    assertThat(s.lastAttemptedRevision()).isEqualTo("main@sha1:" + sha);
    assertThat(s.observedGeneration()).isEqualTo(1);
    assertThat(SourceCluster.condition(s, "Reconciling").orElseThrow().status()).isEqualTo("False");
    assertThat(SourceCluster.condition(s, "Stalled").orElseThrow().status()).isEqualTo("False");
    assertThat(s.inventory().entries())
        .containsExactly(
            new InventoryEntry("cilium.io", "CiliumNetworkPolicy", NS, "a"),
            new InventoryEntry("cilium.io", "CiliumNetworkPolicy", NS, "b"));
    assertThat(s.history()).hasSize(1);
    assertThat(s.history().getFirst().outcome()).isEqualTo("Applied");
    assertThat(c.port("a")).contains("80");
    assertThat(c.port("b")).contains("81");
    var a = c.cnp("a").orElseThrow().getMetadata();
    assertThat(a.getAnnotations()).containsEntry(SourceId.ANNOTATION, NS + "/src");
    assertThat(a.getLabels()).containsEntry(SourceId.MANAGED_BY_LABEL, SourceId.MANAGED_BY);
    assertThat(c.dispatcher.applyFieldManagers).containsExactly(PolicyApplier.FIELD_MANAGER);
    await().until(() -> c.eventReasons("src").contains("Applied"));
    PrometheusText scraped = PrometheusText.parse(c.registry.scrape());
    assertThat(scraped.sum(SourceMetrics.FETCH + "_count", Map.of("namespace", NS, "name", "src")))
        .isPositive();
    assertThat(
            scraped.sum(
                SourceMetrics.SYNCS, Map.of("namespace", NS, "name", "src", "outcome", "Applied")))
        .isPositive();
  }

  @Test
  void aMalformedDocumentIsQuarantinedWhileTheGoodOnesApplyAndItsOldVersionStays()
      throws Exception {
    syncedWith("a", "b");

    String sha =
        commit(
            Map.of(
                "p/a.yaml", Policies.cnp(NS, "a", 8080),
                "p/b.yaml", Policies.invalidCnp(NS, "b"),
                "p/c.yaml", Policies.cnp(NS, "c", 9090)),
            "one broken among good ones");
    c.requestSync("src", "first-request");

    PolicySourceStatus s = awaitAttempted("src", sha);
    assertThat(c.port("a")).contains("8080");
    assertThat(c.port("c")).contains("9090");
    assertThat(c.port("b")).as("the last applied version stays in force").contains("80");
    assertThat(ready(s, "False", "Quarantined")).isTrue();
    assertThat(SourceCluster.condition(s, "Stalled").orElseThrow().status()).isEqualTo("True");
    assertThat(s.quarantined()).hasSize(1);
    var q = s.quarantined().getFirst();
    assertThat(q.file()).isEqualTo("p/b.yaml");
    assertThat(q.name()).isEqualTo("b");
    assertThat(q.errors()).hasSize(2);
    assertThat(String.join("\n", q.errors())).contains("10.0.0.0/33").contains("70000");
    assertThat(message(s, "Ready")).contains("p/b.yaml").contains("10.0.0.0/33");
    assertThat(s.inventory().entries())
        .extracting(InventoryEntry::name)
        .containsExactly("a", "b", "c");
    assertThat(s.lastHandledReconcileAt()).isEqualTo("first-request");
    assertThat(s.history()).extracting(h -> h.outcome()).containsExactly("Quarantined", "Applied");
    await().until(() -> c.eventReasons("src").contains("Quarantined"));
  }

  @Test
  void aFailedFetchChangesNothingAndSaysWhy() throws Exception {
    String sha = commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 80)), "one");
    c.create("src", SourceCluster.spec(c.url(), "p"));
    c.awaitStatus("src", x -> ready(x, "True", "Applied"));

    c.git.close();
    c.requestSync("src", "while-down");

    PolicySourceStatus s = c.awaitStatus("src", x -> ready(x, "False", "FetchFailed"));
    assertThat(message(s, "Ready")).contains("fetch of " + c.url() + " failed");
    assertThat(message(s, "Ready")).contains("revision main@sha1:" + sha + " stays applied");
    assertThat(SourceCluster.condition(s, "Reconciling").orElseThrow().reason())
        .isEqualTo("ProgressingWithRetry");
    assertThat(s.lastAppliedRevision()).isEqualTo("main@sha1:" + sha);
    assertThat(s.inventory().entries()).hasSize(1);
    assertThat(c.port("a")).contains("80");
    await().until(() -> c.eventReasons("src").contains("FetchFailed"));
  }

  @Test
  void anUnsignedOrWronglySignedCommitIsRefusedAndNothingOfItApplied() throws Exception {
    Path trusted = SshKeys.generate(c.dir, "trusted", "ed25519");
    Path other = SshKeys.generate(c.dir, "other", "ed25519");
    c.secret("keys", Map.of("trusted.sshpub", SshKeys.publicKey(trusted)));
    commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 80)), "unsigned");
    c.create(
        "src",
        SourceCluster.spec(c.url(), "p")
            .withVerify(new SourceVerify("HEAD", SourceCluster.ref("keys"))));

    PolicySourceStatus s = c.awaitStatus("src", x -> ready(x, "False", "VerificationFailed"));
    assertThat(SourceCluster.condition(s, "Stalled").orElseThrow().status()).isEqualTo("True");
    assertThat(c.cnp("a")).isEmpty();
    assertThat(s.lastAppliedRevision()).isNull();
    await().until(() -> c.eventReasons("src").contains("VerificationFailed"));

    c.upstream.signWithSsh(other);
    String wrong = commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 81)), "signed by a stranger");
    c.requestSync("src", "wrong-key");
    s =
        c.awaitStatus(
            "src",
            x ->
                "wrong-key".equals(x.lastHandledReconcileAt())
                    && message(x, "Ready").contains(wrong));
    assertThat(ready(s, "False", "VerificationFailed")).isTrue();
    assertThat(c.cnp("a")).isEmpty();

    c.upstream.signWithSsh(trusted);
    String good = commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 82)), "signed");
    c.requestSync("src", "trusted-key");
    s = c.awaitStatus("src", x -> ready(x, "True", "Applied"));
    assertThat(s.lastAppliedRevision()).isEqualTo("main@sha1:" + good);
    assertThat(c.port("a")).contains("82");
  }

  @Test
  void forcePushedHistoryIsFollowed() throws Exception {
    String first = commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 80)), "first");
    commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 81)), "second");
    c.create("src", SourceCluster.spec(c.url(), "p"));
    c.awaitStatus("src", x -> ready(x, "True", "Applied"));
    assertThat(c.port("a")).contains("81");

    c.upstream.git("reset", "-q", "--hard", first);
    String rewritten = commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 90)), "rewritten");
    c.requestSync("src", "after-force-push");

    PolicySourceStatus s = awaitAttempted("src", rewritten);
    assertThat(s.artifact().revision()).isEqualTo("main@sha1:" + rewritten);
    assertThat(c.port("a")).contains("90");
  }

  @Test
  void aRevisionDeletingMoreThanTheBudgetIsRefusedUntilTheSourceAllowsIt() throws Exception {
    syncedWith("a", "b", "c");

    c.upstream.delete("p/b.yaml").delete("p/c.yaml");
    String sha = commit(Map.of(), "two of three gone");
    c.requestSync("src", "prune-two");

    PolicySourceStatus s = awaitAttempted("src", sha);
    assertThat(ready(s, "False", "PruneRefused")).isTrue();
    assertThat(message(s, "Ready")).contains("would delete 2 of 3 objects, over the budget of 50%");
    assertThat(SourceCluster.condition(s, "Stalled").orElseThrow().status()).isEqualTo("True");
    assertThat(c.cnp("b")).isPresent();
    assertThat(c.cnp("c")).isPresent();
    assertThat(s.inventory().entries()).hasSize(3);
    await().until(() -> c.eventReasons("src").contains("PruneRefused"));

    c.annotate(
        "src",
        Map.of(
            PrunePlan.BUDGET_ANNOTATION,
            PrunePlan.BUDGET_UNLIMITED,
            PolicySourceReconciler.REQUESTED_AT,
            "allowed"));
    s = c.awaitStatus("src", x -> ready(x, "True", "Applied"));
    assertThat(c.cnp("b")).isEmpty();
    assertThat(c.cnp("c")).isEmpty();
    assertThat(s.inventory().entries()).extracting(InventoryEntry::name).containsExactly("a");
    assertThat(message(s, "Ready")).contains("pruned");
  }

  @Test
  void anObjectAnnotatedPruneDisabledIsLeftInPlaceWhenItLeavesGit() throws Exception {
    syncedWith("a", "b", "c", "d");
    c.client
        .resources(io.palisade.crds.cilium.CiliumNetworkPolicy.class)
        .inNamespace(NS)
        .withName("c")
        .edit(
            p -> {
              p.getMetadata()
                  .getAnnotations()
                  .put(PrunePlan.PRUNE_ANNOTATION, PrunePlan.PRUNE_DISABLED);
              return p;
            });

    c.upstream.delete("p/c.yaml").delete("p/d.yaml");
    String sha = commit(Map.of(), "c and d gone");
    c.requestSync("src", "prune");

    PolicySourceStatus s = awaitAttempted("src", sha);
    assertThat(ready(s, "True", "Applied")).isTrue();
    assertThat(c.cnp("c")).as("opted out").isPresent();
    assertThat(c.cnp("d")).isEmpty();
    assertThat(s.inventory().entries()).extracting(InventoryEntry::name).containsExactly("a", "b");
    assertThat(message(s, "Ready")).contains("kept [CiliumNetworkPolicy prod/c]");
  }

  @Test
  void aSuspendedSourceStopsSyncingUntilResumed() throws Exception {
    String first = commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 80)), "one");
    c.create("src", SourceCluster.spec(c.url(), "p"));
    c.awaitStatus("src", x -> ready(x, "True", "Applied"));

    setSuspend(true);
    c.awaitStatus(
        "src", x -> SourceCluster.condition(x, "Ready").orElseThrow().reason().equals("Suspended"));
    String second = commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 81)), "two");
    c.requestSync("src", "while-suspended");
    Thread.sleep(1500);
    PolicySourceStatus s = c.status("src").orElseThrow();
    assertThat(s.lastAttemptedRevision()).isEqualTo("main@sha1:" + first);
    assertThat(c.port("a")).contains("80");

    setSuspend(false);
    s = awaitAttempted("src", second);
    assertThat(ready(s, "True", "Applied")).isTrue();
    assertThat(c.port("a")).contains("81");
  }

  private void setSuspend(boolean suspend) {
    c.editSpec("src", spec -> spec.withSuspend(suspend));
  }

  @Test
  void deletingASourceLeavesItsPoliciesUnlessItsDeletionPolicyIsDelete() throws Exception {
    commit(
        Map.of("keep/a.yaml", Policies.cnp(NS, "a", 80), "drop/b.yaml", Policies.cnp(NS, "b", 80)),
        "two paths");
    c.create("keeper", SourceCluster.spec(c.url(), "keep"));
    c.create("dropper", SourceCluster.spec(c.url(), "drop").withDeletionPolicy("Delete"));
    c.awaitStatus("keeper", x -> ready(x, "True", "Applied"));
    c.awaitStatus("dropper", x -> ready(x, "True", "Applied"));

    c.client.resources(PolicySource.class).inNamespace(NS).withName("keeper").delete();
    c.client.resources(PolicySource.class).inNamespace(NS).withName("dropper").delete();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> c.source("keeper") == null && c.source("dropper") == null);
    assertThat(c.cnp("a")).as("deletionPolicy Orphan, the default").isPresent();
    assertThat(c.cnp("b")).as("deletionPolicy Delete").isEmpty();
  }

  @Test
  void anInvalidSpecIsStalledNamingEveryBadField() {
    c.create(
        "bad",
        new PolicySourceSpec(
            "ftp://git.example.com/p.git",
            new SourceRef("main", "v1", null, null),
            "../up",
            "soon",
            null,
            SourceCluster.ref("missing"),
            new SourceVerify("Commit", SourceCluster.ref("keys")),
            null,
            null,
            "Remove",
            null));

    PolicySourceStatus s = c.awaitStatus("bad", x -> ready(x, "False", "InvalidSpec"));
    assertThat(SourceCluster.condition(s, "Stalled").orElseThrow().status()).isEqualTo("True");
    assertThat(message(s, "Stalled"))
        .contains("spec.url: \"ftp://git.example.com/p.git\" must start with https://")
        .contains("spec.ref: set exactly one of branch, tag, semver or commit; found [branch, tag]")
        .contains("spec.path: \"../up\" must not contain '..'")
        .contains("spec.interval: \"soon\" is not a duration")
        .contains("spec.secretRef.name: Secret \"missing\" not found")
        .contains("spec.verify.mode: \"Commit\" must be HEAD (the commit) or Tag")
        .contains("spec.deletionPolicy: \"Remove\" must be Orphan or Delete");
    assertThat(s.observedGeneration()).isEqualTo(1);
  }

  /**
   * Pods of {@code prod}: web (app: a), two clients (role: client) and one other. Worked by hand:
   * moving a's port from 80 to 8080 narrows client-N to web on 80/TCP (two cells) and widens it on
   * 8080/TCP (two cells); other to web stays denied on both.
   */
  @Test
  void eachAppliedRevisionRecordsTheCellsItWidenedAndNarrowed() throws Exception {
    c.inventory.putNamespace(new Namespace(NS, Map.of()));
    pod("web", Map.of("app", "a"));
    pod("client-1", Map.of("role", "client"));
    pod("client-2", Map.of("role", "client"));
    pod("other", Map.of());
    String first = commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 80)), "a on 80");
    c.create("src", SourceCluster.spec(c.url(), "p"));
    PolicySourceStatus s = c.awaitStatus("src", x -> ready(x, "True", "Applied"));
    assertThat(s.reachability()).as("nothing applied before the first revision").isNull();

    String second = commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 8080)), "a on 8080");
    c.requestSync("src", "move-port");
    s = c.awaitStatus("src", x -> x.reachability() != null);
    assertThat(s.reachability())
        .containsExactly(
            new ReachabilityChange(
                "main@sha1:" + second, "main@sha1:" + first, 2L, 2L, true, null));

    String third =
        commit(
            Map.of("p/a.yaml", Policies.cnp(NS, "a", 8080), "p/b.yaml", Policies.cnp(NS, "b", 80)),
            "b, which selects no pod");
    c.requestSync("src", "add-b");
    s = c.awaitStatus("src", x -> x.reachability() != null && x.reachability().size() == 2);
    assertThat(s.reachability().getFirst())
        .isEqualTo(
            new ReachabilityChange(
                "main@sha1:" + third, "main@sha1:" + second, 0L, 0L, true, null));

    // Over its budget a count says it stopped: at least those cells changed.
    var now =
        new SourceSync(c.cache).sync(GitSource.of(c.url(), GitRef.branch("main")).withPath("p"));
    var content = ((SourceSync.Outcome.Fetched) now).content();
    try (var budget = new RevisionReachability(c.inventory, c.cache, 1)) {
      ReachabilityChange partial =
          budget.compute(new SourceId(NS, "src"), c.url(), "p", "main@sha1:" + first, content);
      assertThat(partial.complete()).isFalse();
      assertThat(partial.message()).contains("counted up to 1 pairs of identity groups");
    }
  }

  @Test
  void aCountWhoseStatusWriteFailedIsWrittenWhenTheReconcileIsRetried() throws Exception {
    c.inventory.putNamespace(new Namespace(NS, Map.of()));
    pod("web", Map.of("app", "a"));
    pod("client-1", Map.of("role", "client"));
    String first = commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 80)), "a on 80");
    c.create("src", SourceCluster.spec(c.url(), "p"));
    c.awaitStatus("src", x -> ready(x, "True", "Applied"));

    c.dispatcher.refuseStatusWriteWith.set("\"fromRevision\"");
    String second = commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 8080)), "a on 8080");
    c.requestSync("src", "move-port");
    PolicySourceStatus s = c.awaitStatus("src", x -> x.reachability() != null);
    assertThat(c.dispatcher.refuseStatusWriteWith.get())
        .as("the first status write with the count was refused")
        .isNull();
    assertThat(s.reachability())
        .containsExactly(
            new ReachabilityChange(
                "main@sha1:" + second, "main@sha1:" + first, 1L, 1L, true, null));
  }

  /**
   * The informer's copy can lag behind a status write. A reconcile handed the copy that write
   * replaced, with a sync request that write already answered, neither syncs again nor writes over
   * the newer status: it looks again shortly.
   */
  @Test
  void aCopyOlderThanItsOwnStatusWriteIsNotSyncedAgain() throws Exception {
    String first = commit(Map.of("p/a.yaml", Policies.cnp(NS, "a", 80)), "a on 80");
    c.create("src", SourceCluster.spec(c.url(), "p"));
    c.awaitStatus("src", x -> ready(x, "True", "Applied"));
    Thread.sleep(500);

    PolicySource held = c.source("src");
    held.getMetadata().setAnnotations(Map.of(PolicySourceReconciler.REQUESTED_AT, "by-hand"));
    c.reconciler.reconcile(held, null);
    PolicySourceStatus written =
        c.awaitStatus("src", x -> "by-hand".equals(x.lastHandledReconcileAt()));
    assertThat(written.lastAppliedRevision()).isEqualTo("main@sha1:" + first);
    // Let the reconcile that write woke in the operator pass: it finds nothing due.
    Thread.sleep(500);

    PolicySource lagging = c.source("src");
    lagging.getMetadata().setResourceVersion(held.getMetadata().getResourceVersion());
    lagging.getMetadata().setAnnotations(held.getMetadata().getAnnotations());
    lagging.setStatus(held.getStatus());
    int requests = c.api.getRequestCount();
    var control = c.reconciler.reconcile(lagging, null);

    assertThat(c.api.getRequestCount()).as("no apply, event or status write").isEqualTo(requests);
    assertThat(control.isNoUpdate()).isTrue();
    assertThat(control.getScheduleDelay()).contains(OwnWrites.STALE_RETRY.toMillis());
    assertThat(c.status("src")).contains(written);
  }

  private void pod(String name, Map<String, String> labels) {
    c.inventory.putWorkload(
        new Workload(
            new Pod(NS, name, labels, Optional.empty(), Optional.empty(), Set.of()),
            Optional.empty(),
            List.of()));
  }
}
