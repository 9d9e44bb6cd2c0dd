package io.palisade.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.gitops.GitRef;
import io.palisade.gitops.GitSource;
import io.palisade.gitops.RepositoryCache;
import io.palisade.gitops.SourceSync;
import io.palisade.gitops.TokenBucket;
import io.palisade.gitops.WebhookReceiver;
import io.palisade.gitops.WebhookVerifier;
import io.palisade.pipeline.InMemoryNodeState;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.LocalState;
import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone mode's pipeline on real files, a real Git repository (file://, through JGit) and its
 * real HTTP server: changes are picked up, an invalid copy never replaces a good one, and status
 * says which is which.
 */
class StandaloneTest {

  private static final Path CLUSTER = Path.of("../config/samples/cluster.yaml");
  private static final String L3 = readSample("policies/deathstar-l3-l4.yaml");

  @TempDir Path dir;

  private final StringWriter log = new StringWriter();

  private static String readSample(String name) {
    try {
      return Files.readString(Path.of("../config/samples").resolve(name));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private StandaloneLoop pipeline(SnapshotSource source) {
    return pipeline(source, RemovalBudget.DEFAULT);
  }

  private StandaloneLoop pipeline(SnapshotSource source, RemovalBudget budget) {
    return StandaloneCommand.loop(source, CLUSTER, null, budget, new PrintWriter(log, true));
  }

  @Test
  void anInvalidEditKeepsTheLastGoodCopyInForce() throws Exception {
    Path file = dir.resolve("rule1.yaml");
    Files.writeString(file, L3);
    StandaloneLoop p = pipeline(new FileSnapshots(List.of(dir)));
    p.step();
    assertThat(p.readiness().ready()).isTrue();
    assertThat(xwingToDeathstar(p)).isEqualTo(Verdict.DENY);

    // A typo that would drop the peer list, and so widen nothing but break the rule.
    write(file, L3.replace("fromEndpoints:", "fromEndpoint:"));
    p.step();
    PolicyStatus s = p.statuses().get(0);
    assertThat(s.valid()).isFalse();
    assertThat(s.inForce()).isTrue();
    assertThat(s.errors()).singleElement().asString().contains("unknown field \"fromEndpoint\"");
    assertThat(xwingToDeathstar(p)).as("the last good copy still denies").isEqualTo(Verdict.DENY);

    write(file, L3);
    p.step();
    assertThat(p.statuses().get(0).valid()).isTrue();
  }

  @Test
  void aTruncatedFileIsAnErrorAndItsPoliciesStay() throws Exception {
    Path file = dir.resolve("rule1.yaml");
    Files.writeString(file, L3);
    StandaloneLoop p = pipeline(new FileSnapshots(List.of(dir)));
    p.step();
    write(file, "");
    p.step();
    assertThat(log.toString()).contains("rule1.yaml: holds no YAML document");
    assertThat(p.statuses()).singleElement().satisfies(s -> assertThat(s.inForce()).isTrue());
    assertThat(xwingToDeathstar(p))
        .as("the truncated file's policy still denies")
        .isEqualTo(Verdict.DENY);
    assertThat(p.allValid()).isFalse();
  }

  @Test
  void removingEveryPolicyIsRefusedAndStatusSaysSo() throws Exception {
    Path file = dir.resolve("rule1.yaml");
    Files.writeString(file, L3);
    StandaloneLoop p = pipeline(new FileSnapshots(List.of(dir)));
    try (StatusServer server = new StatusServer(0, p::statuses, p::readiness)) {
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + server.port());
      p.step();
      String first = p.revision();
      Files.move(file, dir.resolve("rule1.yaml.bak"));
      p.step();
      assertThat(xwingToDeathstar(p)).as("the policy stays in force").isEqualTo(Verdict.DENY);
      assertThat(p.generation()).as("a refused change is no generation").isEqualTo(1);
      assertThat(p.revision()).isEqualTo(first);
      assertThat(log.toString())
          .containsPattern(
              "palisade: the policies at files@sha256:\\w+ are refused: would delete 1 of 1"
                  + " objects, over the budget of 50%; restore them, or run with --prune-budget"
                  + " unlimited \\(or a larger share\\) to allow it. Nothing changes: generation 1"
                  + " at "
                  + java.util.regex.Pattern.quote(first)
                  + " stays in force");
      HttpResponse<String> ready = get(http, base.resolve("/readyz"));
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body())
          .startsWith("not ready: the policies at files@sha256:")
          .contains("are refused: would delete 1 of 1 objects")
          .contains("; generation 1 at " + first + " stays in force");
      JsonNode policy =
          new ObjectMapper().readTree(get(http, base.resolve("/api/policies")).body()).get(0);
      assertThat(policy.path("name").asText()).isEqualTo("rule1");
      assertThat(condition(policy, "Ready").path("status").asText()).isEqualTo("True");
      JsonNode stalled = condition(policy, "Stalled");
      assertThat(stalled.path("status").asText()).isEqualTo("True");
      assertThat(stalled.path("reason").asText()).isEqualTo("RemovalRefused");
      assertThat(stalled.path("message").asText())
          .contains("that removal is refused: would delete 1 of 1 objects")
          .endsWith("the policy stays in force");

      // Renamed back: the same content again, ready as before.
      Files.move(dir.resolve("rule1.yaml.bak"), file);
      p.step();
      assertThat(get(http, base.resolve("/readyz")).statusCode()).isEqualTo(200);
      assertThat(p.refusal()).isEmpty();
      assertThat(
              condition(
                      new ObjectMapper()
                          .readTree(get(http, base.resolve("/api/policies")).body())
                          .get(0),
                      "Stalled")
                  .path("status")
                  .asText())
          .isEqualTo("False");
    }
  }

  @Test
  void withAnUnlimitedBudgetADeletedPolicyIsGone() throws Exception {
    Path file = dir.resolve("rule1.yaml");
    Files.writeString(file, L3);
    StandaloneLoop p = pipeline(new FileSnapshots(List.of(dir)), RemovalBudget.UNLIMITED);
    p.step();
    assertThat(xwingToDeathstar(p)).isEqualTo(Verdict.DENY);
    Files.delete(file);
    p.step();
    assertThat(p.statuses()).isEmpty();
    assertThat(p.readiness().ready()).isTrue();
    assertThat(xwingToDeathstar(p)).as("a deleted policy is gone").isEqualTo(Verdict.ALLOW);
  }

  @Test
  void statusIsServedOverHttp() throws Exception {
    Files.writeString(dir.resolve("rule1.yaml"), L3);
    Files.writeString(
        dir.resolve("bad.yaml"), L3.replace("rule1", "bad").replace("\"80\"", "\"99999\""));
    StandaloneLoop p = pipeline(new FileSnapshots(List.of(dir)));
    try (StatusServer server = new StatusServer(0, p::statuses, p::readiness)) {
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + server.port());
      assertThat(get(http, base.resolve("/readyz")).statusCode()).isEqualTo(503);
      p.step();
      HttpResponse<String> ready = get(http, base.resolve("/readyz"));
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).startsWith("ready: generation 1 at files@sha256:");
      JsonNode policies =
          new ObjectMapper().readTree(get(http, base.resolve("/api/policies")).body());
      assertThat(policies.size()).isEqualTo(2);
      for (JsonNode policy : policies) {
        JsonNode valid = policy.path("conditions").get(0);
        assertThat(valid.path("type").asText()).isEqualTo("Valid");
        if (policy.path("name").asText().equals("bad")) {
          assertThat(valid.path("status").asText()).isEqualTo("False");
          assertThat(valid.path("message").asText())
              .isEqualTo(
                  "spec.ingress[0].toPorts[0].ports[0].port: \"99999\" is out of range (0-65535)");
          assertThat(condition(policy, "Stalled").path("status").asText()).isEqualTo("True");
        } else {
          assertThat(valid.path("status").asText()).isEqualTo("True");
          assertThat(condition(policy, "Ready").path("status").asText()).isEqualTo("True");
        }
      }
    }
  }

  @Test
  void aGitRepositoryIsFollowedCommitByCommit() throws Exception {
    Path repo = dir.resolve("repo");
    Files.createDirectories(repo.resolve("policies"));
    git(repo, "init", "-q", "-b", "main");
    Files.writeString(repo.resolve("policies/rule1.yaml"), L3);
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "deathstar: empire only");
    GitSource source =
        GitSource.of(repo.toUri().toString(), GitRef.branch("main")).withPath("policies");
    try (RepositoryCache cache = new RepositoryCache(dir.resolve("cache"))) {
      StandaloneLoop p = pipeline(new GitSnapshots(new SourceSync(cache), source));
      p.step();
      assertThat(p.revision()).startsWith("main@sha1:");
      assertThat(xwingToDeathstar(p)).isEqualTo(Verdict.DENY);
      String first = p.revision();

      p.step();
      assertThat(p.generation()).as("no new commit, no new generation").isEqualTo(1);

      Files.writeString(
          repo.resolve("policies/rule1.yaml"),
          L3.replace("org: empire\n      toPorts", "org: alliance\n      toPorts"));
      git(repo, "commit", "-q", "-am", "deathstar: alliance welcome");
      p.step();
      assertThat(p.revision()).isNotEqualTo(first);
      assertThat(xwingToDeathstar(p)).isEqualTo(Verdict.ALLOW);
    }
  }

  @Test
  void aSignedPushSyncsAtOnceAndABadSignatureIsRefused() throws Exception {
    Path repo = dir.resolve("hooked");
    Files.createDirectories(repo);
    git(repo, "init", "-q", "-b", "main");
    Files.writeString(repo.resolve("rule1.yaml"), L3);
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "deathstar: empire only");
    GitSource source = GitSource.of(repo.toUri().toString(), GitRef.branch("main"));
    String token = "s3cret-token";
    WebhookReceiver receiver =
        new WebhookReceiver(
            token, "standalone", "", WebhookVerifier.Provider.GITHUB, new TokenBucket(5, 1));
    try (RepositoryCache cache = new RepositoryCache(dir.resolve("cache"))) {
      StandaloneLoop p = pipeline(new GitSnapshots(new SourceSync(cache), source));
      Semaphore wake = new Semaphore(0);
      Thread loop =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      p.run(Duration.ofHours(1), wake); // only the webhook can wake it
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
      try (StatusServer server =
          new StatusServer(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
              p::statuses,
              p::readiness,
              () -> "",
              Optional.of(receiver),
              wake::release)) {
        HttpClient http = HttpClient.newHttpClient();
        URI hook = URI.create("http://127.0.0.1:" + server.port() + receiver.path());
        await(() -> p.generation() == 1 && p.readiness().ready());
        assertThat(xwingToDeathstar(p)).isEqualTo(Verdict.DENY);

        Files.writeString(
            repo.resolve("rule1.yaml"),
            L3.replace("org: empire\n      toPorts", "org: alliance\n      toPorts"));
        git(repo, "commit", "-q", "-am", "deathstar: alliance welcome");
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes();

        HttpResponse<String> forged = post(http, hook, body, "sha256=" + "0".repeat(64));
        assertThat(forged.statusCode()).isEqualTo(401);
        Thread.sleep(300);
        assertThat(p.generation()).as("a refused call syncs nothing").isEqualTo(1);

        long pushed = System.nanoTime();
        HttpResponse<String> signed = post(http, hook, body, GitHubSignature.of(token, body));
        assertThat(signed.statusCode()).isEqualTo(202);
        await(() -> p.generation() == 2 && p.readiness().ready());
        long ms = (System.nanoTime() - pushed) / 1_000_000;
        System.out.printf("standalone: webhook to applied revision in %d ms%n", ms);
        assertThat(xwingToDeathstar(p)).isEqualTo(Verdict.ALLOW);
      } finally {
        loop.interrupt();
        loop.join(5000);
      }
    }
  }

  private static HttpResponse<String> post(HttpClient http, URI uri, byte[] body, String sig)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri)
            .header(GitHubSignature.HEADER, sig)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 20 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  /** The verdict of the deathstar's ingress policy, as published, for the xwing's identity. */
  private Verdict xwingToDeathstar(StandaloneLoop p) {
    InMemoryNodeState state = (InMemoryNodeState) p.pipeline().pipeline().applier();
    long xwing = state.ipcache().get("10.42.0.12/32");
    LocalState local = state.local(StandaloneLoop.NODE);
    var deathstar = local.endpoints().get("default/deathstar");
    IdentityPolicy policy = local.policies().get(deathstar.identity());
    if (!policy.enforces(Direction.INGRESS)) {
      return Verdict.ALLOW;
    }
    MapState mapState = new MapState();
    policy.entries().forEach(mapState::insert);
    return mapState
        .lookup(Direction.INGRESS, xwing, 6, 80)
        .map(m -> m.entry().verdict())
        .orElse(Verdict.DENY);
  }

  /** Rewrites a file so that its modification time surely moves. */
  private static void write(Path file, String text) throws IOException {
    FileTime before = Files.getLastModifiedTime(file);
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plusSeconds(2)));
  }

  private static JsonNode condition(JsonNode policy, String type) {
    for (JsonNode c : policy.path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c;
      }
    }
    throw new AssertionError("no condition " + type + " in " + policy);
  }

  private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void git(Path repo, String... args) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                "git",
                "-C",
                repo.toString(),
                "-c",
                "user.name=Palisade Test",
                "-c",
                "user.email=test@palisade.invalid",
                "-c",
                "commit.gpgsign=false"));
    cmd.addAll(List.of(args));
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(proc.getInputStream().readAllBytes());
    assertThat(proc.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
  }
}
