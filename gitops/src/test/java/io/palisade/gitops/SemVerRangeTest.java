package io.palisade.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SemVerRangeTest {

  private static final List<String> TAGS =
      List.of(
          "v0.1.0",
          "v0.1.5",
          "v0.2.0",
          "v1.0.0",
          "v1.2.3",
          "v1.2.9",
          "v1.3.0-rc.1",
          "v1.3.0",
          "1.10.0",
          "v2.0.0-beta",
          "v2.0.0",
          "latest");

  @ParameterizedTest(name = "{0} picks {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        ">=1.0.0 <2.0.0; v1.10.0",
        ">=1.0.0, <2.0.0; v1.10.0",
        "~1.2.3; v1.2.9",
        "~1.2; v1.2.9",
        "^1.2.3; v1.10.0",
        "^0.1.2; v0.1.5",
        "1.2.x; v1.2.9",
        "1.x; v1.10.0",
        "*; v2.0.0",
        "=1.2.3; v1.2.3",
        "1.2.3; v1.2.3",
        "<1.0.0 || >=1.3.0 <1.4.0; v1.3.0",
        ">1.2 <2; v1.10.0",
        "<=1.2; v1.2.9",
        ">=1.3.0-rc.0 <1.3.0; v1.3.0-rc.1",
        ">=2.0.0-alpha; v2.0.0",
        "!=2.0.0 >=1.0.0; v1.10.0",
      })
  void picksTheHighestMatchingTag(String range, String expected) {
    SemVerRange r = SemVerRange.parse(range);
    String best =
        TAGS.stream()
            .flatMap(t -> SemVer.parse(t).filter(r).map(v -> java.util.Map.entry(t, v)).stream())
            .max(java.util.Map.Entry.comparingByValue())
            .map(java.util.Map.Entry::getKey)
            .orElse("none");
    assertThat(best.replaceFirst("^1\\.10", "v1.10")).isEqualTo(expected);
  }

  @Test
  void preReleasesAreSkippedUnlessTheRangeNamesOne() {
    assertThat(SemVerRange.parse(">=1.0.0").test(SemVer.parse("1.3.0-rc.1").orElseThrow()))
        .isFalse();
    assertThat(SemVerRange.parse(">=1.3.0-rc.0").test(SemVer.parse("1.3.0-rc.1").orElseThrow()))
        .isTrue();
  }

  @Test
  void precedenceFollowsSemVer() {
    List<String> ordered =
        List.of(
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0");
    for (int i = 1; i < ordered.size(); i++) {
      assertThat(SemVer.parse(ordered.get(i - 1)).orElseThrow())
          .isLessThan(SemVer.parse(ordered.get(i)).orElseThrow());
    }
    assertThat(SemVer.parse("v01.2.3")).isEmpty();
    assertThat(SemVer.parse("1.2")).isEmpty();
  }

  @Test
  void badRangesSayWhy() {
    assertThatThrownBy(() -> SemVerRange.parse("")).hasMessage("is empty");
    assertThatThrownBy(() -> SemVerRange.parse("1.0 ||")).hasMessageContaining("empty alternative");
    assertThatThrownBy(() -> SemVerRange.parse("1.x.2"))
        .hasMessageContaining("number after a wildcard");
    assertThatThrownBy(() -> SemVerRange.parse("latest"))
        .hasMessageContaining("not a version comparator");
  }
}
