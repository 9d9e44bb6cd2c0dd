package io.palisade.proxy.kafka;

import java.nio.ByteBuffer;
import java.util.Optional;

/** What the proxy does with one request frame. */
sealed interface KafkaVerdict {

  /** What the decision reports: the API key's name, its topics, and the rule's reason. */
  String description();

  /**
   * Send the request on: {@code rewritten} when the proxy changed it (else the frame as it came),
   * expecting a response unless it is a Produce with {@code acks=0}, which {@code rewrite} changes
   * before the client sees it when present.
   */
  record Forward(
      int correlationId,
      Optional<ByteBuffer> rewritten,
      boolean expectsResponse,
      Optional<ResponseRewrite> rewrite,
      String description)
      implements KafkaVerdict {}

  /** Answer in the broker's place ({@code response} is a whole frame, size included). */
  record Answer(int correlationId, ByteBuffer response, String description)
      implements KafkaVerdict {}

  /** Close the connection: a frame that does not parse, or a refusal the client cannot be told. */
  record Close(String description) implements KafkaVerdict {}
}
