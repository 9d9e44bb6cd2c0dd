package io.palisade.proxy.kafka;

import io.palisade.policy.l7.KafkaApiKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;

/**
 * The topics a parsed request names, by name: ids resolve through the names the proxy learnt from
 * metadata. A topic the proxy cannot name (an unknown id, or a request whose topics it does not
 * read) becomes {@link #UNREADABLE}, which no rule's topic can match (rule topics are validated as
 * {@code [a-zA-Z0-9._-]+}), so only a rule without a topic admits it.
 */
final class RequestTopics {

  static final String UNREADABLE = "<unreadable>";

  private RequestTopics() {}

  static List<String> of(AbstractRequest request, TopicNames names) {
    List<String> out = new ArrayList<>();
    switch (request) {
      case ProduceRequest p ->
          p.data().topicData().forEach(t -> add(out, t.name(), t.topicId(), names));
      case FetchRequest f ->
          f.data().topics().forEach(t -> add(out, t.topic(), t.topicId(), names));
      case ListOffsetsRequest l -> l.data().topics().forEach(t -> out.add(t.name()));
      case MetadataRequest m -> {
        if (m.data().topics() != null) {
          m.data().topics().forEach(t -> add(out, t.name(), t.topicId(), names));
        }
      }
      case OffsetCommitRequest o ->
          o.data().topics().forEach(t -> add(out, t.name(), t.topicId(), names));
      case OffsetFetchRequest o -> offsetFetch(o.data(), out, names);
      case OffsetsForLeaderEpochRequest o -> o.data().topics().forEach(t -> out.add(t.topic()));
      case CreateTopicsRequest c -> c.data().topics().forEach(t -> out.add(t.name()));
      case DeleteTopicsRequest d -> {
        out.addAll(d.data().topicNames());
        d.data().topics().forEach(t -> add(out, t.name(), t.topicId(), names));
      }
      case DeleteRecordsRequest d -> d.data().topics().forEach(t -> out.add(t.name()));
      case AddPartitionsToTxnRequest a -> addPartitions(a.data(), out);
      case TxnOffsetCommitRequest t -> t.data().topics().forEach(x -> out.add(x.name()));
      default -> {
        if (KafkaApiKeys.carriesTopics(request.apiKey().id)) {
          out.add(UNREADABLE);
        }
      }
    }
    return out.stream().distinct().toList();
  }

  private static void offsetFetch(OffsetFetchRequestData data, List<String> out, TopicNames names) {
    if (data.topics() != null) {
      data.topics().forEach(t -> out.add(t.name()));
    }
    for (OffsetFetchRequestData.OffsetFetchRequestGroup g : data.groups()) {
      if (g.topics() != null) {
        g.topics().forEach(t -> add(out, t.name(), t.topicId(), names));
      }
    }
  }

  private static void addPartitions(AddPartitionsToTxnRequestData data, List<String> out) {
    data.v3AndBelowTopics().forEach(t -> out.add(t.name()));
    data.transactions().forEach(x -> x.topics().forEach(t -> out.add(t.name())));
  }

  /** A topic given by name, or by id when the name is empty (the versions that use ids). */
  private static void add(List<String> out, String name, Uuid id, TopicNames names) {
    if (name != null && !name.isEmpty()) {
      out.add(name);
    } else {
      out.add(names.name(id).orElse(UNREADABLE));
    }
  }
}
