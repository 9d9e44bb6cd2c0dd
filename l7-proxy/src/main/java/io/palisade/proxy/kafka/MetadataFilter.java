package io.palisade.proxy.kafka;

import io.palisade.crds.api.PortRuleKafka;
import io.palisade.policy.l7.KafkaRequest;
import io.palisade.policy.l7.L7Evaluator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A Metadata answer as the client may see it: only topics a Metadata request naming that topic
 * alone would be allowed for, the refused ones it asked for marked {@code
 * TOPIC_AUTHORIZATION_FAILED} (as a broker marks topics its ACLs refuse), and nothing of the
 * others. The ids of the topics it shows are learnt, so later requests by id resolve.
 */
final class MetadataFilter implements ResponseRewrite {

  private final RequestHeader header;
  private final List<PortRuleKafka> rules;
  private final TopicNames names;
  private final List<MetadataRequestData.MetadataRequestTopic> refused = new ArrayList<>();

  MetadataFilter(RequestHeader header, List<PortRuleKafka> rules, TopicNames names) {
    this.header = header;
    this.rules = rules;
    this.names = names;
  }

  boolean admits(MetadataRequestData.MetadataRequestTopic t) {
    Optional<String> name =
        t.name() != null && !t.name().isEmpty() ? Optional.of(t.name()) : names.name(t.topicId());
    return name.isPresent() && visible(name.get());
  }

  void refuse(MetadataRequestData.MetadataRequestTopic t) {
    refused.add(t);
  }

  int refusedCount() {
    return refused.size();
  }

  private boolean visible(String topic) {
    KafkaRequest one =
        new KafkaRequest(
            ApiKeys.METADATA.id,
            Optional.of((int) header.apiVersion()),
            Optional.ofNullable(header.clientId()),
            List.of(topic));
    return L7Evaluator.evaluate(rules, one).allowed();
  }

  @Override
  public ByteBuffer apply(ByteBuffer frame) {
    ByteBuffer buf = frame.duplicate();
    short version = header.apiVersion();
    ResponseHeader rh = ResponseHeader.parse(buf, ApiKeys.METADATA.responseHeaderVersion(version));
    MetadataResponse response =
        (MetadataResponse)
            AbstractResponse.parseResponse(ApiKeys.METADATA, new ByteBufferAccessor(buf), version);
    MetadataResponseData data = response.data();
    data.topics().removeIf(t -> t.name() == null || !visible(t.name()));
    data.topics().forEach(t -> names.learn(t.topicId(), t.name()));
    for (MetadataRequestData.MetadataRequestTopic t : refused) {
      data.topics()
          .add(
              new MetadataResponseData.MetadataResponseTopic()
                  .setName(t.name())
                  .setTopicId(t.topicId())
                  .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
    }
    return KafkaGate.frame(rh, data, version);
  }
}
