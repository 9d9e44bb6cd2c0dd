package io.palisade.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.palisade.crds.palisade.PolicySource;
import io.palisade.gitops.Credentials;
import io.palisade.gitops.Verification;
import io.palisade.gitops.WebhookVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The sample PolicySource and its Secrets, as the README shows them, read as a valid spec. */
class SamplePolicySourceTest {

  static final Path SAMPLES = Path.of("../config/samples");
  final KubernetesSerialization yaml = new KubernetesSerialization();

  @Test
  void theSamplePolicySourceIsValidWithItsSampleSecrets() throws Exception {
    PolicySource source =
        yaml.unmarshal(Files.readString(SAMPLES.resolve("policysource.yaml")), PolicySource.class);
    List<HasMetadata> objects =
        yaml.unmarshal(Files.readString(SAMPLES.resolve("policysource-secrets.yaml")));
    Map<String, Map<String, String>> secrets =
        objects.stream()
            .map(Secret.class::cast)
            .collect(Collectors.toMap(s -> s.getMetadata().getName(), Secret::getStringData));

    var read = new SourceSpecReader(name -> Optional.ofNullable(secrets.get(name))).read(source);

    assertThat(read).isInstanceOf(SourceSpecReader.Read.Valid.class);
    SourceSpec spec = ((SourceSpecReader.Read.Valid) read).spec();
    assertThat(spec.git().credentials()).containsInstanceOf(Credentials.Basic.class);
    assertThat(spec.git().verify().map(Verification::mode)).contains(Verification.Mode.HEAD);
    assertThat(spec.webhook().orElseThrow().provider()).isEqualTo(WebhookVerifier.Provider.GITHUB);
  }
}
