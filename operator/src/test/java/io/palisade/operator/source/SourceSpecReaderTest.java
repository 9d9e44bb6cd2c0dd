package io.palisade.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.palisade.crds.palisade.PolicySource;
import io.palisade.crds.palisade.PolicySourceSpec;
import io.palisade.crds.palisade.SourceRef;
import io.palisade.crds.palisade.SourceWebhook;
import io.palisade.gitops.Credentials;
import io.palisade.gitops.GitRef;
import io.palisade.gitops.WebhookVerifier;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SourceSpecReaderTest {

  private static PolicySource source(PolicySourceSpec spec) {
    PolicySource s = new PolicySource();
    s.getMetadata().setName("s");
    s.getMetadata().setNamespace("ns");
    s.setSpec(spec);
    return s;
  }

  private static final SourceSpecReader NO_SECRETS = new SourceSpecReader(n -> Optional.empty());

  @Test
  void leftOutFieldsTakeFluxLikeDefaults() {
    var read = NO_SECRETS.read(source(PolicySourceSpec.of("https://git.example.com/p.git")));

    SourceSpec spec = ((SourceSpecReader.Read.Valid) read).spec();
    assertThat(spec.git().ref()).isEqualTo(GitRef.branch("main"));
    assertThat(spec.git().timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(spec.interval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(spec.prune()).isTrue();
    assertThat(spec.suspend()).isFalse();
    assertThat(spec.deletionPolicy()).isEqualTo(SourceSpec.DeletionPolicy.ORPHAN);
    assertThat(spec.webhook()).isEmpty();
  }

  @Test
  void secretsGiveCredentialsAndTheWebhookToken() {
    SourceSpecReader reader =
        new SourceSpecReader(
            name ->
                switch (name) {
                  case "creds" -> Optional.of(Map.of("username", "u", "password", "p"));
                  case "hook" -> Optional.of(Map.of("token", " t0ken \n"));
                  default -> Optional.empty();
                });
    var read =
        reader.read(
            source(
                new PolicySourceSpec(
                    "https://git.example.com/p.git",
                    new SourceRef(null, null, ">=1.0.0", null),
                    "prod",
                    "1h30m",
                    "20s",
                    new LocalObjectReference("creds"),
                    null,
                    false,
                    true,
                    "Delete",
                    new SourceWebhook("gitlab", new LocalObjectReference("hook")))));

    SourceSpec spec = ((SourceSpecReader.Read.Valid) read).spec();
    assertThat(spec.git().credentials()).contains(new Credentials.Basic("u", "p"));
    assertThat(spec.git().ref()).isEqualTo(GitRef.semver(">=1.0.0"));
    assertThat(spec.interval()).isEqualTo(Duration.ofMinutes(90));
    assertThat(spec.git().timeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(spec.prune()).isFalse();
    assertThat(spec.suspend()).isTrue();
    assertThat(spec.deletionPolicy()).isEqualTo(SourceSpec.DeletionPolicy.DELETE);
    assertThat(spec.webhook())
        .contains(new SourceSpec.Webhook(WebhookVerifier.Provider.GITLAB, "t0ken"));
  }

  @Test
  void aWebhookWithoutTokenOrOfAnUnknownForgeIsAnError() {
    SourceSpecReader reader = new SourceSpecReader(name -> Optional.of(Map.of("other", "x")));
    var read =
        reader.read(
            source(
                PolicySourceSpec.of("https://git.example.com/p.git")
                    .withInterval("0s")
                    .withWebhook(
                        new SourceWebhook("bitbucket", new LocalObjectReference("hook")))));

    assertThat(((SourceSpecReader.Read.Invalid) read).errors())
        .extracting(Object::toString)
        .containsExactlyInAnyOrder(
            "spec.interval: PT0S is shorter than PT1S",
            "spec.webhook.type: \"bitbucket\" must be github, gitlab or generic-hmac",
            "spec.webhook.secretRef: the Secret has no key token");
  }

  @Test
  void onlyAnExactDeleteDeletesOnDeletion() {
    assertThat(
            SourceSpecReader.deletionPolicyOf(
                source(PolicySourceSpec.of(null).withDeletionPolicy("delete"))))
        .isEqualTo(SourceSpec.DeletionPolicy.ORPHAN);
    assertThat(SourceSpecReader.deletionPolicyOf(source(null)))
        .isEqualTo(SourceSpec.DeletionPolicy.ORPHAN);
  }
}
