package io.palisade.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class KafkaClientTest {

  @Test
  void aProduceAndAConsumeAreReadWithTheirLastArgument() {
    assertThat(
            KafkaClient.Operation.parse(
                "produce", "10.42.1.10:9092", "empire-hq", "empire-announce", "Vader is coming"))
        .isEqualTo(
            new KafkaClient.Operation(
                KafkaClient.Kind.produce,
                new Endpoint("10.42.1.10", 9092),
                "empire-hq",
                "empire-announce",
                "Vader is coming"));
    assertThat(
            KafkaClient.Operation.parse(
                    "consume", "10.42.1.10:9092", "outpost-7", "empire-announce", "outposts")
                .last())
        .isEqualTo("outposts");
  }

  @Test
  void eachBadArgumentIsNamed() {
    assertThatThrownBy(() -> KafkaClient.Operation.parse("publish", "10.0.0.1:9092", "c", "t", "v"))
        .hasMessage("OPERATION: \"publish\" is neither produce nor consume");
    assertThatThrownBy(() -> KafkaClient.Operation.parse("produce", "broker:9092", "c", "t", "v"))
        .hasMessage("BOOTSTRAP: \"broker\" is not an IPv4 address");
    assertThatThrownBy(() -> KafkaClient.Operation.parse("produce", "10.0.0.1", "c", "t", "v"))
        .hasMessage("BOOTSTRAP: \"10.0.0.1\" has no :PORT");
    assertThatThrownBy(() -> KafkaClient.Operation.parse("produce", "10.0.0.1:0", "c", "t", "v"))
        .hasMessage("BOOTSTRAP: \"0\" in \"10.0.0.1:0\" is not a port (1-65535)");
    assertThatThrownBy(() -> KafkaClient.Operation.parse("produce", "10.0.0.1:1", " ", "t", "v"))
        .hasMessage("CLIENT_ID: empty");
    assertThatThrownBy(
            () -> KafkaClient.Operation.parse("produce", "10.0.0.1:1", "c", "death star", "v"))
        .hasMessageStartingWith("TOPIC: ")
        .hasMessageContaining("death star");
    assertThatThrownBy(() -> KafkaClient.Operation.parse("consume", "10.0.0.1:1", "c", "t", ""))
        .hasMessage("GROUP: empty");
    assertThatThrownBy(() -> KafkaClient.Operation.parse("consume", "10.0.0.1:1"))
        .hasMessage("expected 5 arguments, got 2");
  }

  @Test
  void anAuthorizationErrorAnywhereInTheCausesIsARefusal() {
    assertThat(
            KafkaClient.outcome(
                new ExecutionException(new TopicAuthorizationException("deathstar-plans"))))
        .isEqualTo("REFUSED TopicAuthorizationException");
    assertThat(
            KafkaClient.outcome(
                new KafkaException("join failed", new GroupAuthorizationException("outposts"))))
        .isEqualTo("REFUSED GroupAuthorizationException");
  }

  @Test
  void anythingElseIsAFailureWithItsCause() {
    assertThat(
            KafkaClient.outcome(
                new ExecutionException(new TimeoutException("Topic t not present in metadata"))))
        .isEqualTo("FAILED TimeoutException: Topic t not present in metadata");
    assertThat(KafkaClient.outcome(new IllegalStateException("closed")))
        .isEqualTo("FAILED IllegalStateException: closed");
  }
}
