package io.palisade.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

  @TempDir Path dir;

  @Test
  void theBrokerListensAndAdvertisesOnThePodsAddressAndItsControllerOnLoopback() {
    KafkaBroker.Options o =
        KafkaBroker.Options.parse(
            "10.42.1.10:9092", dir.toString(), "deathstar-plans", "empire-announce");
    assertThat(o.topics()).containsExactly("deathstar-plans", "empire-announce");
    Properties p = KafkaBroker.serverProperties(o.listen(), dir.resolve("log"));
    assertThat(p)
        .containsEntry("listeners", "PLAINTEXT://10.42.1.10:9092,CONTROLLER://127.0.0.1:9093")
        .containsEntry("advertised.listeners", "PLAINTEXT://10.42.1.10:9092")
        .containsEntry("controller.quorum.bootstrap.servers", "127.0.0.1:9093")
        .containsEntry("log.dirs", dir.resolve("log").toString())
        .containsEntry("auto.create.topics.enable", "false");
  }

  @Test
  void eachBadArgumentIsNamed() {
    String d = dir.toString();
    assertThatThrownBy(() -> KafkaBroker.Options.parse("10.42.1.10:9092", d))
        .hasMessage("expected ADDRESS:PORT, LOG_DIR and at least one TOPIC; got 2 arguments");
    assertThatThrownBy(() -> KafkaBroker.Options.parse("10.42.1.10:9093", d, "t"))
        .hasMessage("ADDRESS:PORT: 9093 is the controller's port on the pod's loopback");
    assertThatThrownBy(() -> KafkaBroker.Options.parse("::1:9092", d, "t"))
        .hasMessage("ADDRESS:PORT: \"::1\" is not an IPv4 address");
    assertThatThrownBy(
            () -> KafkaBroker.Options.parse("10.42.1.10:9092", dir.resolve("none").toString(), "t"))
        .hasMessage("LOG_DIR: \"" + dir.resolve("none") + "\" is not a directory");
    for (String bad : List.of("..", "plans/v2", "x".repeat(250))) {
      assertThatThrownBy(() -> KafkaBroker.Options.parse("10.42.1.10:9092", d, "ok", bad))
          .as(bad)
          .hasMessageStartingWith("TOPIC: ");
    }
  }
}
