package io.palisade.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GitSourceTest {

  @Test
  void aValidSourceHasNoErrors() {
    assertThat(
            GitSource.of("https://git.example.com/org/policies.git", GitRef.branch("main"))
                .withPath("./clusters/prod/")
                .validate())
        .isEmpty();
    assertThat(GitSource.of("file:///srv/git/policies.git", GitRef.tag("v1.0.0")).validate())
        .isEmpty();
    assertThat(GitSource.of("http://127.0.0.1:8080/p.git", GitRef.semver(">=1.0.0 <2")).validate())
        .isEmpty();
    assertThat(
            GitSource.of("https://h/p.git", GitRef.branch("main"))
                .withPath("./clusters/prod/")
                .normalizedPath())
        .isEqualTo("clusters/prod");
  }

  @Test
  void everyErrorIsReportedAtOnceWithItsField() {
    GitSource bad =
        new GitSource(
            "ftp://example.com/p.git",
            GitRef.commit("abc"),
            "../etc",
            Duration.ZERO,
            Optional.empty(),
            Optional.of(new Verification(Verification.Mode.TAG, Map.of("x.txt", "key"))));
    assertThat(bad.validate())
        .extracting(SpecError::field)
        .containsExactly(
            "spec.url",
            "spec.ref.commit",
            "spec.path",
            "spec.timeout",
            "spec.verify.mode",
            "spec.verify.secretRef.x.txt");
    assertThatThrownBy(bad::requireValid)
        .isInstanceOf(InvalidSourceException.class)
        .hasMessageContaining(
            "spec.url: \"ftp://example.com/p.git\" must start with https://, ssh:// or file://");
  }

  @Test
  void urlsAreCheckedForSchemeHostAndSecrets() {
    assertThat(errors("git@github.com:org/p.git"))
        .contains("spec.url: \"git@github.com:org/p.git\" is scp-like: write ssh://user@host/path");
    assertThat(errors("http://git.example.com/p.git"))
        .contains("accepted only for a loopback host");
    assertThat(errors("https://bot:hunter2@git.example.com/p.git"))
        .contains("must not embed a password");
    assertThat(errors("ssh://git@git.example.com/p.git"))
        .contains("spec.secretRef: an ssh:// URL needs identity and known_hosts");
    assertThat(errors("file:relative/p.git")).contains("needs an absolute path");
  }

  @Test
  void refsAreChecked() {
    assertThat(GitRef.branch("").validate())
        .extracting(Object::toString)
        .containsExactly("spec.ref.branch: must not be empty");
    assertThat(GitRef.branch("refs/heads/main").validate())
        .extracting(Object::toString)
        .first()
        .asString()
        .contains("short name");
    assertThat(GitRef.tag("v1..2").validate()).isNotEmpty();
    assertThat(GitRef.semver(">=1.x.2").validate())
        .extracting(Object::toString)
        .first()
        .asString()
        .startsWith("spec.ref.semver: \">=1.x.2\"");
    assertThat(GitRef.commit("0123456789abcdef0123456789abcdef01234567").validate()).isEmpty();
  }

  @Test
  void credentialsMustFitTheScheme() {
    GitSource https = GitSource.of("https://h/p.git", GitRef.branch("main"));
    assertThat(https.withCredentials(new Credentials.SshKey("x", Optional.empty(), "")).validate())
        .extracting(SpecError::field)
        .contains("spec.secretRef.identity", "spec.secretRef.known_hosts");
    assertThat(https.withCredentials(new Credentials.Basic("bot", "")).validate())
        .extracting(Object::toString)
        .containsExactly("spec.secretRef.password: must not be empty");
    assertThat(new Credentials.Basic("bot", "hunter2").toString()).doesNotContain("hunter2");
    assertThat(new Credentials.Token("tok").toString()).doesNotContain("tok]");
  }

  @Test
  void credentialsAreReadFromASecretsKeys() {
    assertThat(Credentials.fromSecret(Map.of("username", "u", "password", "p")))
        .isEqualTo(new Credentials.Basic("u", "p"));
    assertThat(Credentials.fromSecret(Map.of("bearerToken", "t")))
        .isEqualTo(new Credentials.Token("t"));
    assertThat(Credentials.fromSecret(Map.of("identity", "k", "known_hosts", "h")))
        .isEqualTo(new Credentials.SshKey("k", Optional.empty(), "h"));
    assertThatThrownBy(() -> Credentials.fromSecret(Map.of("username", "u", "bearerToken", "t")))
        .hasMessageContaining("exactly one of");
  }

  private static String errors(String url) {
    return GitSource.of(url, GitRef.branch("main")).validate().toString();
  }
}
