package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loader prepared while a short command's line is parsed. */
class PreparedLoaderTest {

  private static final Path SAMPLES = Path.of("../config/samples/policies");

  @Test
  void theSampleValidatedAheadIsAValidPolicySoItTakesEveryStepOfValidation() {
    LoadResult r = new PolicyLoader().load("sample.yaml", PreparedLoader.SAMPLE);
    assertThat(r.errors()).isEmpty();
    assertThat(r.policyDocuments()).isEqualTo(1);
    assertThat(r.policySet().rules()).isNotEmpty();
  }

  @Test
  void onceStartedEveryCallGetsTheOnePreparedLoaderAndItLoadsAsANewOne() {
    PreparedLoader.start();
    PolicyLoader prepared = PreparedLoader.loader();
    assertThat(PreparedLoader.loader()).isSameAs(prepared);
    LoadResult fresh = new PolicyLoader().load(List.of(SAMPLES));
    LoadResult loaded = prepared.load(List.of(SAMPLES));
    assertThat(loaded.errors()).isEqualTo(fresh.errors()).isEmpty();
    assertThat(loaded.policyDocuments()).isEqualTo(fresh.policyDocuments()).isEqualTo(1);
    assertThat(loaded.policySet().rules()).isEqualTo(fresh.policySet().rules());
  }
}
