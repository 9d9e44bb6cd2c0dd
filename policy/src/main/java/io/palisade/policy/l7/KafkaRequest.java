package io.palisade.policy.l7;

import io.palisade.policy.mapstate.L7Parser;
import java.util.List;
import java.util.Optional;

/**
 * A Kafka request: its API key (by number, as on the wire), its API version and client id when
 * known, and the topics it names (none for requests that carry no topic, such as ApiVersions).
 */
public record KafkaRequest(
    int apiKey, Optional<Integer> apiVersion, Optional<String> clientId, List<String> topics)
    implements L7Request {

  public KafkaRequest {
    topics = List.copyOf(topics);
  }

  @Override
  public L7Parser parser() {
    return L7Parser.KAFKA;
  }

  @Override
  public String describe() {
    StringBuilder sb = new StringBuilder(KafkaApiKeys.name(apiKey));
    apiVersion.ifPresent(v -> sb.append(" v").append(v));
    if (!topics.isEmpty()) {
      sb.append(" topic").append(topics.size() > 1 ? "s " : " ").append(String.join(",", topics));
    }
    clientId.ifPresent(c -> sb.append(" client ").append(c));
    return sb.toString();
  }
}
