package io.palisade.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetching over SSH with JGit's Apache MINA client from an Apache MINA sshd server on loopback:
 * only the Secret's identity and known_hosts are used.
 */
class SshFetchIT {

  @TempDir Path dir;
  Upstream upstream;
  SshGitServer server;
  Path client;
  RepositoryCache cache;

  @BeforeEach
  void setUp() throws Exception {
    upstream = new Upstream(dir);
    Path keys = Files.createDirectories(dir.resolve("keys"));
    client = SshKeys.generate(keys, "client", "ed25519");
    Path authorized = keys.resolve("authorized_keys");
    Files.writeString(authorized, SshKeys.publicKey(client));
    server = new SshGitServer(upstream.root, authorized, keys.resolve("host.ser"));
    cache = new RepositoryCache(dir.resolve("cache"));
  }

  @AfterEach
  void tearDown() throws Exception {
    cache.close();
    server.close();
  }

  GitSource source(String knownHosts, Path identity) throws Exception {
    return GitSource.of(server.url("policies.git"), GitRef.branch("main"))
        .withTimeout(Duration.ofSeconds(10))
        .withCredentials(
            new Credentials.SshKey(Files.readString(identity), Optional.empty(), knownHosts));
  }

  @Test
  void fetchesWithTheIdentityAndKnownHostsAndMeasuresTheIncrementalFetch() throws Exception {
    upstream.write("policies/a.yaml", Policies.cnp("prod", "a", 80)).commit("a");
    upstream.push();
    GitSource source = source(server.knownHostsLine(), client).withPath("policies");
    RepositoryCache.Fetched first = cache.fetch(source);
    assertThat(new RevisionReader().read(first.repository(), first.resolved(), "policies").valid())
        .hasSize(1);

    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      String sha =
          upstream.write("policies/b" + i + ".yaml", Policies.cnp("prod", "b" + i, 81)).commit("b");
      upstream.push();
      RepositoryCache.Fetched next = cache.fetch(source);
      assertThat(next.resolved().sha()).isEqualTo(sha);
      best = Math.min(best, next.took().toNanos());
      System.out.printf(
          "incremental fetch over SSH after a push: %.1f ms%n", next.took().toNanos() / 1e6);
    }
    System.out.printf(
        "incremental fetch over SSH, best of 3: %.1f ms (first fetch %.1f ms)%n",
        best / 1e6, first.took().toNanos() / 1e6);
  }

  @Test
  void anUnknownHostKeyIsRefused() throws Exception {
    upstream.write("a.yaml", Policies.cnp("prod", "a", 80)).commit("a");
    upstream.push();
    Path other = SshKeys.generate(dir.resolve("keys"), "impostor", "ed25519");
    String wrongHost = "[127.0.0.1]:" + server.port() + " " + SshKeys.publicKey(other);
    assertThatThrownBy(() -> cache.fetch(source(wrongHost, client)))
        .isInstanceOf(FetchException.class);
  }

  @Test
  void anIdentityTheServerDoesNotKnowIsRefused() throws Exception {
    upstream.write("a.yaml", Policies.cnp("prod", "a", 80)).commit("a");
    upstream.push();
    Path stranger = SshKeys.generate(dir.resolve("keys"), "stranger", "ed25519");
    assertThatThrownBy(() -> cache.fetch(source(server.knownHostsLine(), stranger)))
        .isInstanceOf(FetchException.class);
  }

  @Test
  void hashedKnownHostsAsWrittenBySshKeygenAreAccepted() throws Exception {
    upstream.write("a.yaml", Policies.cnp("prod", "a", 80)).commit("a");
    upstream.push();
    Path file = dir.resolve("keys/known_hosts");
    Files.writeString(file, server.knownHostsLine() + "\n");
    Proc.run(dir, java.util.Map.of(), "ssh-keygen", "-H", "-f", file.toString());
    String hashed = Files.readString(file);
    assertThat(hashed).startsWith("|1|").doesNotContain("127.0.0.1");
    assertThat(cache.fetch(source(hashed, client)).resolved()).isNotNull();
  }
}
