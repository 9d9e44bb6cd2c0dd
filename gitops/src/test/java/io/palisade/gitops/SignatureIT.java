package io.palisade.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real signatures made by git with gpg and with ssh-keygen, fetched over smart HTTP and verified:
 * trusted ones pass with the key reported; unsigned, untrusted and tampered ones are refused.
 */
class SignatureIT {

  static Gpg gpg;
  static String trustedPgp;
  static String untrustedPgp;
  @TempDir static Path keys;
  static Path trustedSsh;
  static Path untrustedSsh;

  @TempDir Path dir;
  Upstream upstream;
  HttpGitServer server;
  RepositoryCache cache;

  @BeforeAll
  static void generateKeys() throws Exception {
    gpg = new Gpg();
    trustedPgp = gpg.generate("Trusted Signer <trusted@palisade.io>");
    untrustedPgp = gpg.generate("Someone Else <else@palisade.io>");
    trustedSsh = SshKeys.generate(keys, "trusted", "ed25519");
    untrustedSsh = SshKeys.generate(keys, "untrusted", "ed25519");
  }

  @AfterAll
  static void removeKeys() throws Exception {
    gpg.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    upstream = new Upstream(dir);
    server = HttpGitServer.open(upstream.root);
    cache = new RepositoryCache(dir.resolve("cache"));
  }

  @org.junit.jupiter.api.AfterEach
  void tearDown() {
    cache.close();
    server.close();
  }

  Verification trust(Verification.Mode mode) throws Exception {
    return new Verification(
        mode,
        Map.of(
            "trusted.asc", gpg.exportArmored(trustedPgp),
            "trusted.sshpub", SshKeys.publicKey(trustedSsh)));
  }

  VerifiedSignature verifyHead() throws Exception {
    RepositoryCache.Fetched f =
        cache.fetch(GitSource.of(server.url("policies.git"), GitRef.branch("main")));
    return new SignatureVerifier(trust(Verification.Mode.HEAD))
        .verify(f.repository(), f.resolved());
  }

  @Test
  void aCommitSignedWithATrustedOpenPgpKeyVerifiesAndNamesTheKey() throws Exception {
    String sha =
        upstream
            .signWithGpg(gpg, trustedPgp)
            .write("a.yaml", Policies.cnp("prod", "a", 80))
            .commit("signed");
    upstream.push();
    VerifiedSignature sig = verifyHead();
    assertThat(sig.format()).isEqualTo(VerifiedSignature.Format.OPENPGP);
    assertThat(sig.fingerprint()).isEqualTo(trustedPgp);
    assertThat(sig.keyId()).isEqualTo(trustedPgp.substring(24));
    assertThat(sig.signer()).contains("trusted@palisade.io");
    assertThat(sig.describe())
        .startsWith("commit " + sha + " signed by OpenPGP key " + trustedPgp.substring(24));
  }

  @Test
  void aCommitSignedWithATrustedSshKeyVerifiesAndNamesTheFingerprint() throws Exception {
    upstream
        .signWithSsh(trustedSsh)
        .write("a.yaml", Policies.cnp("prod", "a", 80))
        .commit("ssh-signed");
    upstream.push();
    VerifiedSignature sig = verifyHead();
    assertThat(sig.format()).isEqualTo(VerifiedSignature.Format.SSH);
    assertThat(sig.fingerprint()).isEqualTo(SshKeys.fingerprint(trustedSsh)).startsWith("SHA256:");
  }

  @Test
  void anUnsignedCommitIsRefused() throws Exception {
    String sha =
        upstream.unsigned().write("a.yaml", Policies.cnp("prod", "a", 80)).commit("unsigned");
    upstream.push();
    assertThatThrownBy(this::verifyHead)
        .isInstanceOf(VerificationException.class)
        .hasMessage("commit " + sha + " is not signed");
  }

  @Test
  void commitsSignedByUntrustedKeysAreRefused() throws Exception {
    upstream
        .signWithGpg(gpg, untrustedPgp)
        .write("a.yaml", Policies.cnp("prod", "a", 80))
        .commit("pgp");
    upstream.push();
    assertThatThrownBy(this::verifyHead)
        .isInstanceOf(VerificationException.class)
        .hasMessageContaining(
            "signed by OpenPGP key " + untrustedPgp.substring(24) + ", which is not trusted");

    upstream.signWithSsh(untrustedSsh).write("b.yaml", Policies.cnp("prod", "b", 80)).commit("ssh");
    upstream.push();
    assertThatThrownBy(this::verifyHead)
        .isInstanceOf(VerificationException.class)
        .hasMessageContaining(
            "signed by SSH key " + SshKeys.fingerprint(untrustedSsh) + ", which is not trusted");
  }

  @Test
  void aSignatureCopiedOntoOtherContentIsRefused() throws Exception {
    for (Path sshOrNull : new Path[] {null, trustedSsh}) {
      if (sshOrNull == null) upstream.signWithGpg(gpg, trustedPgp);
      else upstream.signWithSsh(sshOrNull);
      upstream.write("a.yaml", Policies.cnp("prod", "a", 80)).commit("genuine");
      Path bare = upstream.bare;
      upstream.push();
      ObjectId forged = forgeWithSameSignature(bare);
      upstream.git("fetch", "-q", "origin", "main");
      upstream.git("reset", "-q", "--hard", forged.name());
      assertThatThrownBy(this::verifyHead)
          .isInstanceOf(VerificationException.class)
          .hasMessageContaining("does not match the signed object");
    }
  }

  @Test
  void tagModeVerifiesTheSignedTagAndRefusesLightweightOnes() throws Exception {
    upstream.unsigned().write("a.yaml", Policies.cnp("prod", "a", 80)).commit("unsigned commit");
    upstream.signWithSsh(trustedSsh).tag("v1.0.0", true);
    upstream.signWithGpg(gpg, trustedPgp).tag("v1.1.0", true);
    upstream.unsigned().tag("v1.2.0", false);
    upstream.push();
    String url = server.url("policies.git");
    SignatureVerifier tags = new SignatureVerifier(trust(Verification.Mode.TAG));

    RepositoryCache.Fetched ssh = cache.fetch(GitSource.of(url, GitRef.tag("v1.0.0")));
    assertThat(tags.verify(ssh.repository(), ssh.resolved()).describe())
        .startsWith("tag v1.0.0 signed by SSH key " + SshKeys.fingerprint(trustedSsh));
    RepositoryCache.Fetched pgp = cache.fetch(GitSource.of(url, GitRef.tag("v1.1.0")));
    assertThat(tags.verify(pgp.repository(), pgp.resolved()).keyId())
        .isEqualTo(trustedPgp.substring(24));
    RepositoryCache.Fetched light = cache.fetch(GitSource.of(url, GitRef.semver("~1.2")));
    assertThatThrownBy(() -> tags.verify(light.repository(), light.resolved()))
        .hasMessageContaining("lightweight tag");
    assertThatThrownBy(
            () ->
                new SignatureVerifier(trust(Verification.Mode.HEAD))
                    .verify(ssh.repository(), ssh.resolved()))
        .hasMessageContaining("is not signed");
  }

  @Test
  void sourceSyncReportsAVerificationFailureAsNoChange() throws Exception {
    upstream.unsigned().write("a.yaml", Policies.cnp("prod", "a", 80)).commit("unsigned");
    upstream.push();
    GitSource source =
        GitSource.of(server.url("policies.git"), GitRef.branch("main"))
            .withVerify(trust(Verification.Mode.HEAD));
    assertThat(new SourceSync(cache).sync(source))
        .isInstanceOfSatisfying(
            SourceSync.Outcome.Failed.class,
            f -> assertThat(f.stage()).isEqualTo(SourceSync.Stage.VERIFY));
  }

  @Test
  void jgitsOwnSshVerifierAgreesOnGenuineAndForgedCommits() throws Exception {
    upstream
        .signWithSsh(trustedSsh)
        .write("a.yaml", Policies.cnp("prod", "a", 80))
        .commit("genuine");
    upstream.push();
    RepositoryCache.Fetched genuine =
        cache.fetch(GitSource.of(server.url("policies.git"), GitRef.branch("main")));
    Path allowed = dir.resolve("allowed_signers");
    Files.writeString(
        allowed, "author@palisade.io namespaces=\"git\" " + SshKeys.publicKey(trustedSsh));
    Repository repo = genuine.repository();
    repo.getConfig().setString("gpg", "ssh", "allowedSignersFile", allowed.toString());
    repo.getConfig().setString("gpg", null, "format", "ssh");
    assertThat(jgitVerifies(repo, genuine.resolved().sha())).isTrue();
    assertThat(
            new SignatureVerifier(trust(Verification.Mode.HEAD)).verify(repo, genuine.resolved()))
        .isNotNull();

    ObjectId forged = forgeWithSameSignature(upstream.bare);
    RepositoryCache.Fetched after =
        cache.fetch(GitSource.of(server.url("policies.git"), GitRef.branch("main")));
    assertThat(after.resolved().commit()).isEqualTo(forged);
    assertThat(jgitVerifies(repo, forged.name())).isFalse();
    assertThatThrownBy(
            () ->
                new SignatureVerifier(trust(Verification.Mode.HEAD)).verify(repo, after.resolved()))
        .isInstanceOf(VerificationException.class);
  }

  private static boolean jgitVerifies(Repository repo, String sha) throws Exception {
    var results = new org.eclipse.jgit.api.Git(repo).verifySignature().addName(sha).call();
    var r = results.get(sha);
    return r.getException() == null
        && r.getVerification() != null
        && r.getVerification().verified();
  }

  /** A commit whose message differs from the signed HEAD but carries HEAD's signature. */
  private static ObjectId forgeWithSameSignature(Path bare) throws Exception {
    try (Repository repo =
            new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                .setGitDir(bare.toFile())
                .build();
        RevWalk walk = new RevWalk(repo);
        ObjectInserter ins = repo.newObjectInserter()) {
      RevCommit head = walk.parseCommit(repo.resolve("refs/heads/main"));
      CommitBuilder cb = new CommitBuilder();
      cb.setTreeId(head.getTree());
      cb.setParentIds(head.getParents());
      cb.setAuthor(head.getAuthorIdent());
      cb.setCommitter(head.getCommitterIdent());
      cb.setMessage("allow everything\n");
      cb.setGpgSignature(new GpgSignature(head.getRawGpgSignature()));
      ObjectId forged = ins.insert(Constants.OBJ_COMMIT, cb.build());
      ins.flush();
      var update = repo.updateRef("refs/heads/main");
      update.setNewObjectId(forged);
      update.forceUpdate();
      return forged;
    }
  }
}
