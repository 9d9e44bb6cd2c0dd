package io.palisade.node.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StreamOptionsTest {

  @Test
  void parsesNodeAndOperator() {
    StreamOptions o =
        StreamOptions.parse("--node", "node-a", "--operator", "op:9870", "--state-file", "/x/s");
    assertThat(o.node()).isEqualTo("node-a");
    assertThat(o.operator()).isEqualTo("op:9870");
    assertThat(o.stateFile()).isEqualTo(Path.of("/x/s"));
    assertThat(o.pinRoot()).isEqualTo(Path.of("/sys/fs/bpf/palisade"));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> StreamOptions.parse("--operator", "nohost", "--bogus", "x"))
        .hasMessageContaining("--node is required")
        .hasMessageContaining("expected HOST:PORT")
        .hasMessageContaining("unknown option --bogus")
        .hasMessageContaining("usage:");
  }
}
