package io.palisade.proxy.kafka;

import io.palisade.crds.api.PortRuleKafka;
import io.palisade.policy.l7.KafkaApiKeys;
import io.palisade.policy.l7.KafkaRequest;
import io.palisade.policy.l7.L7Evaluator;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * The broker's API versions narrowed to those the proxy parses (so a newer broker never leads a
 * client into a version the proxy would have to refuse as unreadable) and to the API keys some rule
 * of the connection could admit or Cilium's roles name, so that clients leave out what they can do
 * without (leader epoch validation, telemetry) instead of failing on a refusal.
 */
final class ApiVersionsNarrowing implements ResponseRewrite {

  /** The keys Cilium's roles name: kept even when no rule of the connection admits them. */
  private static final Set<Integer> IN_SOME_ROLE = inSomeRole();

  private final RequestHeader header;
  private final List<PortRuleKafka> rules;

  ApiVersionsNarrowing(RequestHeader header, List<PortRuleKafka> rules) {
    this.header = header;
    this.rules = rules;
  }

  @Override
  public ByteBuffer apply(ByteBuffer frame) {
    ByteBuffer buf = frame.duplicate();
    // ApiVersions answers always carry header v0, whatever the request's version.
    ResponseHeader rh = ResponseHeader.parse(buf, (short) 0);
    ApiVersionsResponse response =
        ApiVersionsResponse.parse(new ByteBufferAccessor(buf), header.apiVersion());
    ApiVersionsResponseData data = response.data();
    if (data.errorCode() != Errors.NONE.code()) {
      return KafkaGate.sized(frame); // a v0 error answer: the client retries at a lower version
    }
    data.apiKeys().removeIf(v -> !narrow(v));
    return KafkaGate.frame(rh, data, header.apiVersion());
  }

  /**
   * Clamps one key's range to the proxy's; false when nothing of it is left or no rule takes it.
   */
  private boolean narrow(ApiVersionsResponseData.ApiVersion v) {
    if (!ApiKeys.hasId(v.apiKey())) {
      return false;
    }
    ApiKeys key = ApiKeys.forId(v.apiKey());
    short min = (short) Math.max(v.minVersion(), key.oldestVersion());
    short max = (short) Math.min(v.maxVersion(), key.latestVersion());
    if (min > max || !someRuleAdmits(key)) {
      return false;
    }
    v.setMinVersion(min).setMaxVersion(max);
    return true;
  }

  private static Set<Integer> inSomeRole() {
    Set<Integer> keys = new HashSet<>();
    for (String role : List.of("produce", "consume")) {
      keys.addAll(KafkaApiKeys.role(role).orElseThrow());
    }
    return Set.copyOf(keys);
  }

  /**
   * Whether a rule admits the key for this client on some topic: each rule is asked about the
   * request it is most likely to admit (its own topic and version).
   */
  private boolean someRuleAdmits(ApiKeys key) {
    if (key == ApiKeys.API_VERSIONS || IN_SOME_ROLE.contains((int) key.id)) {
      // A client that tries what its roles leave out (an outpost that may only consume, producing)
      // must hear the API's own authorization error naming the topic, as from Cilium, not that
      // the broker lacks the API: the gate still refuses the request itself.
      return true;
    }
    for (PortRuleKafka rule : rules) {
      Optional<Integer> version = Optional.empty();
      if (rule.apiVersion() != null && rule.apiVersion().matches("[0-9]{1,5}")) {
        version = Optional.of(Integer.parseInt(rule.apiVersion()));
      }
      List<String> topics =
          rule.topic() == null || rule.topic().isEmpty() ? List.of() : List.of(rule.topic());
      KafkaRequest probe =
          new KafkaRequest(key.id, version, Optional.ofNullable(header.clientId()), topics);
      if (L7Evaluator.evaluate(List.of(rule), probe).allowed()) {
        return true;
      }
    }
    return false;
  }
}
