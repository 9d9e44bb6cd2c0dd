package io.palisade.proxy.kafka;

import io.palisade.crds.api.PortRuleKafka;
import io.palisade.policy.l7.KafkaApiKeys;
import io.palisade.policy.l7.KafkaRequest;
import io.palisade.policy.l7.L7Evaluator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * Decides one request frame under the Kafka rules of its connection, parsing it with Kafka's own
 * protocol classes: a frame they cannot read closes the connection; a refused request is answered
 * with the error its API defines, at its version and correlation id; the rest go on, Metadata and
 * ApiVersions with their answers filtered, Fetch without a fetch session so that every Fetch names
 * all its topics and is checked in full. Thread-safe; the rule matching is {@link L7Evaluator}'s,
 * the same {@code palisade trace} explains with.
 */
final class KafkaGate {

  private final TopicNames names;

  KafkaGate(TopicNames names) {
    this.names = names;
  }

  KafkaVerdict decide(ByteBuffer frame, List<PortRuleKafka> rules) {
    ByteBuffer buf = frame.duplicate();
    RequestHeader header;
    try {
      header = RequestHeader.parse(buf);
    } catch (RuntimeException e) {
      return new KafkaVerdict.Close("malformed request header: " + e.getMessage());
    }
    ApiKeys key = header.apiKey();
    short version = header.apiVersion();
    if (key == ApiKeys.API_VERSIONS && !key.isVersionSupported(version)) {
      // As the broker does: a v0 answer listing the versions it takes, and the client retries.
      return new KafkaVerdict.Answer(
          header.correlationId(), unsupportedApiVersions(header), "apiversions v" + version);
    }
    AbstractRequest request;
    try {
      request = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(buf)).request;
    } catch (RuntimeException e) {
      return new KafkaVerdict.Close(
          "malformed " + key.name + " v" + version + " request: " + e.getMessage());
    }
    if (buf.hasRemaining()) {
      return new KafkaVerdict.Close(
          key.name + " v" + version + " request: " + buf.remaining() + " bytes after its end");
    }
    Optional<String> clientId = Optional.ofNullable(header.clientId());
    KafkaRequest asked =
        new KafkaRequest(
            key.id, Optional.of((int) version), clientId, RequestTopics.of(request, names));
    String what = asked.describe();
    return switch (request) {
      case AbstractRequest r when key == ApiKeys.API_VERSIONS ->
          // Kafka answers ApiVersions before it authenticates anyone: it names no topic.
          new KafkaVerdict.Forward(
              header.correlationId(),
              Optional.empty(),
              true,
              Optional.of(new ApiVersionsNarrowing(header, rules)),
              what);
      case MetadataRequest m -> metadata(header, m, rules, what);
      default -> {
        if (!L7Evaluator.evaluate(rules, asked).allowed()) {
          yield refuse(header, request, asked, what);
        }
        if (request instanceof FetchRequest f && version >= 7) {
          f.data().setSessionId(0).setSessionEpoch(-1).setForgottenTopicsData(new ArrayList<>());
          yield new KafkaVerdict.Forward(
              header.correlationId(),
              Optional.of(sized(request.serializeWithHeader(header))),
              true,
              Optional.empty(),
              what);
        }
        boolean expects = !(request instanceof ProduceRequest p && p.acks() == 0);
        yield new KafkaVerdict.Forward(
            header.correlationId(), Optional.empty(), expects, Optional.empty(), what);
      }
    };
  }

  /**
   * Asks the broker only for the topics the client may use, and answers the others as the broker
   * answers a topic its ACLs refuse; a request for every topic is answered with those it may use.
   */
  private KafkaVerdict metadata(
      RequestHeader header, MetadataRequest m, List<PortRuleKafka> rules, String what) {
    MetadataFilter filter = new MetadataFilter(header, rules, names);
    List<MetadataRequestData.MetadataRequestTopic> asked = m.data().topics();
    if (asked != null) {
      List<MetadataRequestData.MetadataRequestTopic> kept = new ArrayList<>();
      for (MetadataRequestData.MetadataRequestTopic t : asked) {
        if (filter.admits(t)) {
          kept.add(t);
        } else {
          filter.refuse(t);
        }
      }
      m.data().setTopics(kept);
    }
    return new KafkaVerdict.Forward(
        header.correlationId(),
        Optional.of(sized(m.serializeWithHeader(header))),
        true,
        Optional.of(filter),
        what + (filter.refusedCount() > 0 ? " (" + filter.refusedCount() + " refused)" : ""));
  }

  private KafkaVerdict refuse(
      RequestHeader header, AbstractRequest request, KafkaRequest asked, String what) {
    if (request instanceof ProduceRequest p && p.acks() == 0) {
      // No response is expected, so a refusal cannot be told: the broker closes too.
      return new KafkaVerdict.Close("refused " + what + " (acks=0)");
    }
    Errors error = errorFor(asked);
    try {
      AbstractResponse response = request.getErrorResponse(0, error.exception());
      return new KafkaVerdict.Answer(
          header.correlationId(),
          frame(header.toResponseHeader(), response.data(), header.apiVersion()),
          "refused " + what + ": " + error.name());
    } catch (RuntimeException e) {
      return new KafkaVerdict.Close("refused " + what + ", and no error response: " + e);
    }
  }

  /** The authorization error a broker gives for the request's API. */
  static Errors errorFor(KafkaRequest request) {
    int key = request.apiKey();
    if (KafkaApiKeys.carriesTopics(key) && !request.topics().isEmpty()) {
      return Errors.TOPIC_AUTHORIZATION_FAILED;
    }
    return switch (key) {
      case 8, 9, 10, 11, 12, 13, 14, 15, 42, 47, 68, 69 -> Errors.GROUP_AUTHORIZATION_FAILED;
      case 24, 25, 26, 28 -> Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
      default -> Errors.CLUSTER_AUTHORIZATION_FAILED;
    };
  }

  private static ByteBuffer unsupportedApiVersions(RequestHeader header) {
    ApiVersionsResponseData data =
        new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code());
    data.apiKeys()
        .add(
            new ApiVersionsResponseData.ApiVersion()
                .setApiKey(ApiKeys.API_VERSIONS.id)
                .setMinVersion(ApiKeys.API_VERSIONS.oldestVersion())
                .setMaxVersion(ApiKeys.API_VERSIONS.latestVersion()));
    return frame(new ResponseHeader(header.correlationId(), (short) 0), data, (short) 0);
  }

  /** A response frame: size, header, body. */
  static ByteBuffer frame(ResponseHeader header, ApiMessage body, short version) {
    ResponseHeaderData h = header.data();
    return sized(RequestUtils.serialize(h, header.headerVersion(), body, version));
  }

  static ByteBuffer sized(ByteBuffer payload) {
    ByteBuffer out = ByteBuffer.allocate(4 + payload.remaining());
    out.putInt(payload.remaining()).put(payload.duplicate()).flip();
    return out;
  }
}
