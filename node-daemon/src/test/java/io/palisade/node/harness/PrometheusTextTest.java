package io.palisade.node.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict exposition reader accepts the format and refuses what Prometheus would refuse. */
class PrometheusTextTest {

  private static final String GOOD =
      """
      # HELP x_total Things.
      # TYPE x_total counter
      x_total{a="1",b="q\\"uote"} 3.0
      x_total{a="2"} 1e3 1700000000000
      # TYPE h histogram
      h_bucket{le="0.1"} 1
      h_bucket{le="+Inf"} 2
      h_count 2
      h_sum 0.3
      g NaN
      """;

  @Test
  void readsSamplesLabelsAndTypes() {
    PrometheusText t = PrometheusText.parse(GOOD);
    assertThat(t.type("x_total")).contains("counter");
    assertThat(t.find("x_total", Map.of("b", "q\"uote"))).hasSize(1);
    assertThat(t.sum("x_total", Map.of())).isEqualTo(1003.0);
    assertThat(t.samples()).hasSize(7);
  }

  @Test
  void refusesWhatPrometheusRefuses() {
    assertThatThrownBy(() -> PrometheusText.parse("x{a=1} 1\n")).hasMessageContaining("quoted");
    assertThatThrownBy(() -> PrometheusText.parse("9x 1\n")).hasMessageContaining("metric name");
    assertThatThrownBy(() -> PrometheusText.parse("x one\n")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> PrometheusText.parse("x 1\ny 1\nx{a=\"b\"} 2\n"))
        .hasMessageContaining("not together");
    assertThatThrownBy(() -> PrometheusText.parse("x 1\nx 2\n")).hasMessageContaining("twice");
    assertThatThrownBy(() -> PrometheusText.parse("x 1\n# TYPE x gauge\n"))
        .hasMessageContaining("TYPE after samples");
    assertThatThrownBy(
            () ->
                PrometheusText.parse(
                    "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n"))
        .hasMessageContaining("cumulative");
    assertThatThrownBy(
            () -> PrometheusText.parse("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n"))
        .hasMessageContaining("+Inf bucket");
  }
}
