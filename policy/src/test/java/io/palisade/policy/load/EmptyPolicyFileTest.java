package io.palisade.policy.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A policy file that holds no document is an error, never "no policies": a truncated or emptied
 * file would otherwise remove its policies without a word.
 */
class EmptyPolicyFileTest {

  @TempDir Path dir;

  @Test
  void aZeroByteFileIsAFileError() throws IOException {
    Files.write(dir.resolve("empty.yaml"), new byte[0]);
    LoadResult r = new PolicyLoader().load(List.of(dir));
    assertThat(r.valid()).isFalse();
    assertThat(r.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEmpty();
              assertThat(e.format())
                  .isEqualTo(
                      dir.resolve("empty.yaml")
                          + ": holds no YAML document (an empty policy file is an error)");
            });
  }

  @Test
  void whitespaceCommentsAndBareSeparatorsHoldNoDocumentEither() {
    for (String text : List.of("", "\n\n  \n", "# nothing here\n", "---\n", "---\n---\n# x\n")) {
      LoadResult r = new PolicyLoader().load("p.yaml", text);
      assertThat(r.errors())
          .as("%s", text)
          .singleElement()
          .satisfies(e -> assertThat(e.format()).contains("p.yaml: holds no YAML document"));
    }
  }

  @Test
  void aFileOfOtherObjectsOrWithOneEmptyDocumentAmongOthersIsFine() {
    String deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n";
    assertThat(new PolicyLoader().load("d.yaml", deployment).errors()).isEmpty();
    assertThat(new PolicyLoader().load("d.yaml", "---\n" + deployment + "---\n").errors())
        .isEmpty();
  }
}
