package io.palisade.proxy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.crds.api.PortRuleKafka;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Test;

/** The gate on requests and answers built with Kafka's own classes, at the clients' versions. */
class KafkaGateTest {

  static final List<PortRuleKafka> RULES =
      List.of(
          new PortRuleKafka("produce", null, null, null, "empire-announce"),
          new PortRuleKafka("consume", null, null, null, "deathstar-plans"));

  final KafkaGate gate = new KafkaGate(new TopicNames());

  static ByteBuffer request(AbstractRequest r, String clientId, int correlationId) {
    return r.serializeWithHeader(
        new RequestHeader(r.apiKey(), r.version(), clientId, correlationId));
  }

  @Test
  void apiVersionsIsForwardedAndItsAnswerNarrowedToWhatTheRulesAdmit() {
    short v = ApiKeys.API_VERSIONS.latestVersion();
    KafkaVerdict verdict =
        gate.decide(request(new ApiVersionsRequest.Builder().build(v), "app", 3), RULES);
    assertThat(verdict).isInstanceOf(KafkaVerdict.Forward.class);
    KafkaVerdict.Forward f = (KafkaVerdict.Forward) verdict;
    ApiVersionsResponseData data = new ApiVersionsResponseData();
    for (ApiKeys k : List.of(ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.CREATE_TOPICS)) {
      data.apiKeys()
          .add(
              new ApiVersionsResponseData.ApiVersion()
                  .setApiKey(k.id)
                  .setMinVersion(k.oldestVersion())
                  .setMaxVersion((short) (k.latestVersion() + 5)));
    }
    ByteBuffer answer =
        f.rewrite()
            .orElseThrow()
            .apply(
                RequestUtils.serialize(
                    new ResponseHeaderData().setCorrelationId(3), (short) 0, data, v));
    answer.getInt();
    assertThat(ResponseHeader.parse(answer, (short) 0).correlationId()).isEqualTo(3);
    ApiVersionsResponseData out =
        (ApiVersionsResponseData)
            AbstractResponse.parseResponse(ApiKeys.API_VERSIONS, new ByteBufferAccessor(answer), v)
                .data();
    assertThat(
            out.apiKeys().stream().map(a -> ApiKeys.forId(a.apiKey())).collect(Collectors.toSet()))
        .isEqualTo(Set.of(ApiKeys.PRODUCE, ApiKeys.FETCH));
    assertThat(out.apiKeys().find(ApiKeys.PRODUCE.id).maxVersion())
        .isEqualTo(ApiKeys.PRODUCE.latestVersion());
  }

  @Test
  void aConsumeOnlyConnectionStillSeesProduceSoThatAProduceIsRefusedByTopic() {
    short v = ApiKeys.API_VERSIONS.latestVersion();
    List<PortRuleKafka> consumeOnly =
        List.of(new PortRuleKafka("consume", null, null, null, "empire-announce"));
    KafkaVerdict.Forward f =
        (KafkaVerdict.Forward)
            gate.decide(
                request(new ApiVersionsRequest.Builder().build(v), "outpost", 4), consumeOnly);
    ApiVersionsResponseData data = new ApiVersionsResponseData();
    for (ApiKeys k :
        List.of(ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID)) {
      data.apiKeys()
          .add(
              new ApiVersionsResponseData.ApiVersion()
                  .setApiKey(k.id)
                  .setMinVersion(k.oldestVersion())
                  .setMaxVersion(k.latestVersion()));
    }
    ByteBuffer answer =
        f.rewrite()
            .orElseThrow()
            .apply(
                RequestUtils.serialize(
                    new ResponseHeaderData().setCorrelationId(4), (short) 0, data, v));
    answer.getInt();
    ResponseHeader.parse(answer, (short) 0);
    ApiVersionsResponseData out =
        (ApiVersionsResponseData)
            AbstractResponse.parseResponse(ApiKeys.API_VERSIONS, new ByteBufferAccessor(answer), v)
                .data();
    // Produce is in Cilium's produce role: kept, and refused request by request by the gate.
    // CreateTopics and InitProducerId are in no role and no rule admits them: left out.
    assertThat(
            out.apiKeys().stream().map(a -> ApiKeys.forId(a.apiKey())).collect(Collectors.toSet()))
        .isEqualTo(Set.of(ApiKeys.PRODUCE, ApiKeys.FETCH));
  }

  @Test
  void metadataAsksOnlyForVisibleTopicsAndMarksTheOthersRefused() {
    short v = ApiKeys.METADATA.latestVersion();
    MetadataRequest asked =
        new MetadataRequest.Builder(List.of("empire-announce", "rebel-secrets"), false).build(v);
    KafkaVerdict.Forward f = (KafkaVerdict.Forward) gate.decide(request(asked, "app", 9), RULES);
    ByteBuffer sent = f.rewritten().orElseThrow();
    sent.getInt();
    RequestHeader h = RequestHeader.parse(sent);
    MetadataRequest forwarded =
        (MetadataRequest)
            AbstractRequest.parseRequest(h.apiKey(), h.apiVersion(), new ByteBufferAccessor(sent))
                .request;
    assertThat(forwarded.topics()).containsExactly("empire-announce");

    MetadataResponseData broker = new MetadataResponseData();
    for (String t : List.of("empire-announce", "deathstar-plans", "rebel-secrets")) {
      broker
          .topics()
          .add(
              new MetadataResponseData.MetadataResponseTopic()
                  .setName(t)
                  .setTopicId(Uuid.randomUuid()));
    }
    ByteBuffer answer =
        f.rewrite()
            .orElseThrow()
            .apply(
                RequestUtils.serialize(
                    new ResponseHeaderData().setCorrelationId(9),
                    ApiKeys.METADATA.responseHeaderVersion(v),
                    broker,
                    v));
    answer.getInt();
    ResponseHeader.parse(answer, ApiKeys.METADATA.responseHeaderVersion(v));
    MetadataResponse out =
        (MetadataResponse)
            AbstractResponse.parseResponse(ApiKeys.METADATA, new ByteBufferAccessor(answer), v);
    assertThat(
            out.data().topics().stream()
                .map(t -> t.name() + "=" + Errors.forCode(t.errorCode()))
                .toList())
        .containsExactlyInAnyOrder(
            "empire-announce=NONE",
            "deathstar-plans=NONE",
            "rebel-secrets=TOPIC_AUTHORIZATION_FAILED");
  }
}
