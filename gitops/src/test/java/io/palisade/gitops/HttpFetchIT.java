package io.palisade.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetching from git's smart HTTP backend: incremental fetches, refs, force pushes, a dead server.
 */
class HttpFetchIT {

  @TempDir Path dir;
  Upstream upstream;
  HttpGitServer server;
  RepositoryCache cache;

  @BeforeEach
  void setUp() throws Exception {
    upstream = new Upstream(dir);
    server = HttpGitServer.open(upstream.root);
    cache = new RepositoryCache(dir.resolve("cache"));
  }

  @AfterEach
  void tearDown() {
    cache.close();
    server.close();
  }

  GitSource main() {
    return GitSource.of(server.url("policies.git"), GitRef.branch("main"))
        .withTimeout(Duration.ofSeconds(10));
  }

  @Test
  void fetchesIncrementallyIntoOneRepositoryAndMeasuresTheFetchAfterAPush() throws Exception {
    upstream.write("policies/a.yaml", Policies.cnp("prod", "a", 80)).commit("a");
    upstream.push();
    RepositoryCache.Fetched first = cache.fetch(main());
    Path gitDir = cache.directoryOf(main().url());
    Files.writeString(gitDir.resolve("palisade-marker"), "kept across fetches");

    long best = Long.MAX_VALUE;
    String sha = "";
    for (int i = 0; i < 5; i++) {
      sha =
          upstream
              .write("policies/b" + i + ".yaml", Policies.cnp("prod", "b" + i, 81 + i))
              .commit("b" + i);
      upstream.push();
      RepositoryCache.Fetched next = cache.fetch(main());
      assertThat(next.resolved().sha()).isEqualTo(sha);
      assertThat(next.changedRefs()).isTrue();
      best = Math.min(best, next.took().toNanos());
      System.out.printf(
          "incremental fetch over smart HTTP after a push: %.1f ms%n", next.took().toNanos() / 1e6);
    }
    System.out.printf(
        "incremental fetch over smart HTTP, best of 5: %.1f ms (first fetch %.1f ms)%n",
        best / 1e6, first.took().toNanos() / 1e6);

    assertThat(gitDir.resolve("palisade-marker")).exists(); // the same repository, not a re-clone
    RepositoryCache.Fetched idle = cache.fetch(main());
    assertThat(idle.changedRefs()).isFalse();
    assertThat(idle.resolved().revision()).isEqualTo("main@sha1:" + sha);
  }

  @Test
  void sourcesOfTheSameUrlShareOneRepository() throws Exception {
    upstream.write("a.yaml", Policies.cnp("prod", "a", 80)).commit("a");
    upstream.tag("v1.0.0", true);
    upstream.push();
    Repository byBranch = cache.fetch(main()).repository();
    Repository byTag = cache.fetch(GitSource.of(main().url(), GitRef.tag("v1.0.0"))).repository();
    assertThat(byTag).isSameAs(byBranch);
    try (var files = Files.list(dir.resolve("cache"))) {
      assertThat(files.filter(p -> p.toString().endsWith(".git"))).hasSize(1);
    }
  }

  @Test
  void forcePushedHistoryReplacesWhatWasFetched() throws Exception {
    upstream.write("a.yaml", Policies.cnp("prod", "a", 80)).commit("a");
    String old = upstream.write("b.yaml", Policies.cnp("prod", "b", 81)).commit("b");
    upstream.push();
    assertThat(cache.fetch(main()).resolved().sha()).isEqualTo(old);

    upstream.git("reset", "-q", "--hard", "HEAD~1");
    String rewritten =
        upstream.write("c.yaml", Policies.cnp("prod", "c", 82)).commit("c instead of b");
    upstream.push();

    RepositoryCache.Fetched after = cache.fetch(main());
    assertThat(after.resolved().sha()).isEqualTo(rewritten);
    try (RevWalk walk = new RevWalk(after.repository())) {
      assertThat(
              walk.isMergedInto(
                  walk.parseCommit(after.resolved().commit()),
                  walk.parseCommit(org.eclipse.jgit.lib.ObjectId.fromString(old))))
          .isFalse();
    }
    RevisionContent content = new RevisionReader().read(after.repository(), after.resolved(), "");
    assertThat(content.valid()).extracting(d -> d.name()).containsExactlyInAnyOrder("a", "c");
  }

  @Test
  void semverPicksTheHighestMatchingTagAndTagsAndCommitsResolve() throws Exception {
    String c1 = upstream.write("a.yaml", Policies.cnp("prod", "a", 80)).commit("1.0");
    upstream.tag("v1.0.0", true);
    String c2 = upstream.write("a.yaml", Policies.cnp("prod", "a", 81)).commit("1.4");
    upstream.tag("v1.4.2", false);
    upstream.write("a.yaml", Policies.cnp("prod", "a", 82)).commit("2.0");
    upstream.tag("v2.0.0", true);
    upstream.tag("v1.5.0-rc.1", true);
    upstream.push();
    String url = main().url();

    Resolved semver = cache.fetch(GitSource.of(url, GitRef.semver(">=1.0.0 <2.0.0"))).resolved();
    assertThat(semver.name()).isEqualTo("v1.4.2");
    assertThat(semver.sha()).isEqualTo(c2);
    assertThat(semver.tag()).isEmpty(); // lightweight
    assertThat(semver.revision()).isEqualTo("v1.4.2@sha1:" + c2);

    Resolved tag = cache.fetch(GitSource.of(url, GitRef.tag("v1.0.0"))).resolved();
    assertThat(tag.sha()).isEqualTo(c1);
    assertThat(tag.tag()).isPresent();

    Resolved commit = cache.fetch(GitSource.of(url, GitRef.commit(c1))).resolved();
    assertThat(commit.revision()).isEqualTo("sha1:" + c1);

    assertThatThrownBy(() -> cache.fetch(GitSource.of(url, GitRef.semver("^3.0"))))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("no tag matches");
  }

  @Test
  void aDeadServerIsAFetchFailureAndTheCacheKeepsTheLastRevision() throws Exception {
    String sha = upstream.write("policies/a.yaml", Policies.cnp("prod", "a", 80)).commit("a");
    upstream.push();
    SourceSync sync = new SourceSync(cache);
    GitSource source = main().withPath("policies");
    assertThat(sync.sync(source)).isInstanceOf(SourceSync.Outcome.Fetched.class);

    server.close();
    SourceSync.Outcome down = sync.sync(source.withTimeout(Duration.ofSeconds(3)));
    assertThat(down)
        .isInstanceOfSatisfying(
            SourceSync.Outcome.Failed.class,
            f -> {
              assertThat(f.stage()).isEqualTo(SourceSync.Stage.FETCH);
              assertThat(f.reason()).contains("fetch of " + source.url() + " failed");
            });
    Repository repo = cache.repository(source.url());
    assertThat(cache.resolve(repo, source.ref()).sha()).isEqualTo(sha); // nothing was emptied
  }

  @Test
  void aDeletedBranchIsAFailureNotAnEmptyRevision() throws Exception {
    upstream.write("a.yaml", Policies.cnp("prod", "a", 80)).commit("a");
    upstream.git("push", "-q", "origin", "HEAD:refs/heads/release");
    upstream.push();
    GitSource release = GitSource.of(main().url(), GitRef.branch("release"));
    cache.fetch(release);
    upstream.git("push", "-q", "origin", ":refs/heads/release");
    assertThatThrownBy(() -> cache.fetch(release)).isInstanceOf(FetchException.class);
  }

  @Test
  void basicAuthAndBearerTokensAreSent() throws Exception {
    upstream.write("a.yaml", Policies.cnp("prod", "a", 80)).commit("a");
    upstream.push();
    try (HttpGitServer basic = HttpGitServer.basicAuth(upstream.root, "bot", "s3cret");
        HttpGitServer bearer = HttpGitServer.bearer(upstream.root, "tok-123")) {
      GitSource b = GitSource.of(basic.url("policies.git"), GitRef.branch("main"));
      assertThatThrownBy(() -> cache.fetch(b)).isInstanceOf(FetchException.class);
      assertThat(cache.fetch(b.withCredentials(new Credentials.Basic("bot", "s3cret"))).resolved())
          .isNotNull();
      assertThatThrownBy(
              () -> cache.fetch(b.withCredentials(new Credentials.Basic("bot", "wrong"))))
          .isInstanceOf(FetchException.class);
      GitSource t = GitSource.of(bearer.url("policies.git"), GitRef.branch("main"));
      assertThat(cache.fetch(t.withCredentials(new Credentials.Token("tok-123"))).resolved())
          .isNotNull();
    }
  }

  @Test
  void gcDropsForcePushedHistoryAndFetchingGoesOn() throws Exception {
    upstream.write("a.yaml", Policies.cnp("prod", "a", 80)).commit("a");
    String dropped = upstream.write("b.yaml", Policies.cnp("prod", "b", 81)).commit("b");
    upstream.push();
    Repository repo = cache.fetch(main()).repository();
    upstream.git("reset", "-q", "--hard", "HEAD~1");
    upstream.write("c.yaml", Policies.cnp("prod", "c", 82)).commit("c");
    upstream.push();
    cache.fetch(main());
    assertThat(repo.getObjectDatabase().has(org.eclipse.jgit.lib.ObjectId.fromString(dropped)))
        .isTrue();

    cache.gc(main().url());
    assertThat(repo.getObjectDatabase().has(org.eclipse.jgit.lib.ObjectId.fromString(dropped)))
        .isFalse();
    String next = upstream.write("d.yaml", Policies.cnp("prod", "d", 83)).commit("d");
    upstream.push();
    assertThat(cache.fetch(main()).resolved().sha()).isEqualTo(next);
  }
}
