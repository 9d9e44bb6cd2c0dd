package io.palisade.proxy.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.palisade.crds.api.PortRuleKafka;
import io.palisade.pipeline.model.EndpointL7;
import io.palisade.pipeline.model.L7Grant;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.proxy.ProxyEvent;
import io.palisade.proxy.ProxyOptions;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kafka proxy on loopback in front of Apache Kafka's own broker (KRaft), with Kafka's own
 * producer, consumer and admin clients: what the rules allow works end to end, what they refuse
 * fails with the authorization error the client reports, and nothing unparseable passes.
 */
class KafkaProxyTest {

  static final String HOST = "127.0.0.1";
  static final int BROKER_PORT = 9092; // the port clients ask for, as the redirect keeps it
  static final Duration GUARD = Duration.ofSeconds(90);

  static final List<PortRuleKafka> RULES =
      List.of(
          new PortRuleKafka("produce", null, null, null, "empire-announce"),
          new PortRuleKafka("consume", null, null, null, "empire-announce"),
          new PortRuleKafka("consume", null, null, null, "deathstar-plans-read"),
          new PortRuleKafka("produce", null, null, "vader", "deathstar-plans"),
          new PortRuleKafka(null, null, null, "operator", null));

  static KafkaBroker broker;
  static KafkaProxy proxy;
  static int proxyPort;
  static final ConcurrentLinkedQueue<ProxyEvent> events = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    proxyPort = KafkaBroker.freePort();
    long t0 = System.nanoTime();
    broker = KafkaBroker.start(HOST, proxyPort);
    System.out.printf(
        "KRaft broker (combined) ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    proxy =
        KafkaProxy.start(
            ProxyOptions.defaults()
                .withTransparent(false)
                .withUpstreamMark(0)
                .withBindAddress(HOST)
                .withBindPort(p -> proxyPort)
                .withEvents(events::add)
                .withOriginalDestination(
                    (local, remote) -> new InetSocketAddress(HOST, BROKER_PORT))
                .withUpstreamAddress(d -> new InetSocketAddress(HOST, broker.port())));
    proxy.update(KafkaConfig.of(node(RULES), Map.of()));
    try (Admin admin = Admin.create(clientProps("operator"))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("empire-announce", 1, (short) 1),
                  new NewTopic("deathstar-plans", 1, (short) 1),
                  new NewTopic("deathstar-plans-read", 1, (short) 1),
                  new NewTopic("rebel-secrets", 1, (short) 1)))
          .all()
          .get();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  static NodeL7 node(List<PortRuleKafka> rules) {
    List<L7Grant> grants = new ArrayList<>();
    for (PortRuleKafka r : rules) {
      grants.add(
          new L7Grant(
              Direction.INGRESS,
              L7Parser.KAFKA,
              BROKER_PORT,
              BROKER_PORT,
              r,
              Set.of(MapStateKey.ANY_IDENTITY)));
    }
    return new NodeL7(List.of(new EndpointL7("kafka-broker", List.of(HOST), 4242, grants)));
  }

  static Properties clientProps(String clientId) {
    Properties p = new Properties();
    p.put("bootstrap.servers", HOST + ":" + proxyPort);
    p.put("client.id", clientId);
    p.put("request.timeout.ms", "15000");
    p.put("default.api.timeout.ms", "20000");
    return p;
  }

  static KafkaProducer<String, String> producer(String clientId) {
    Properties p = clientProps(clientId);
    // Cilium's produce role has no InitProducerId: an idempotent producer needs a rule for it.
    p.put("enable.idempotence", "false");
    p.put("max.block.ms", "20000");
    p.put("delivery.timeout.ms", "30000");
    p.put("linger.ms", "0");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  static KafkaConsumer<String, String> consumer(String clientId, String group) {
    Properties p = clientProps(clientId);
    p.put("group.id", group);
    p.put("auto.offset.reset", "earliest");
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }

  @Test
  void anAllowedTopicIsProducedAndConsumedThroughTheProxy() {
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          try (KafkaProducer<String, String> producer = producer("empire-hq")) {
            producer.send(new ProducerRecord<>("empire-announce", "k", "Vader is coming")).get();
          }
          try (KafkaConsumer<String, String> consumer = consumer("outpost", "outposts")) {
            consumer.subscribe(List.of("empire-announce"));
            List<String> seen = new ArrayList<>();
            while (seen.isEmpty()) {
              for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
                seen.add(r.value());
              }
            }
            assertThat(seen).contains("Vader is coming");
            consumer.commitSync();
          }
        });
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.verdict()).isEqualTo(ProxyEvent.Verdict.ALLOWED);
              assertThat(e.path()).startsWith("produce").contains("empire-announce");
            });
  }

  @Test
  void aTopicNoRuleNamesIsRefusedWithTopicAuthorizationFailed() {
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          try (KafkaProducer<String, String> producer = producer("empire-hq")) {
            assertThatThrownBy(
                    () -> producer.send(new ProducerRecord<>("rebel-secrets", "k", "v")).get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TopicAuthorizationException.class)
                .hasMessageContaining("rebel-secrets");
          }
        });
  }

  @Test
  void aClientIdTheRuleDoesNotNameIsRefused() {
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          try (KafkaProducer<String, String> producer = producer("empire-hq")) {
            assertThatThrownBy(
                    () -> producer.send(new ProducerRecord<>("deathstar-plans", "k", "v")).get())
                .hasCauseInstanceOf(TopicAuthorizationException.class);
          }
          try (KafkaProducer<String, String> producer = producer("vader")) {
            producer.send(new ProducerRecord<>("deathstar-plans", "k", "v")).get();
          }
        });
  }

  @Test
  void theConsumeRoleRefusesAProduce() {
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          try (KafkaProducer<String, String> producer = producer("empire-hq")) {
            assertThatThrownBy(
                    () ->
                        producer.send(new ProducerRecord<>("deathstar-plans-read", "k", "v")).get())
                .hasCauseInstanceOf(TopicAuthorizationException.class);
          }
        });
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.verdict()).isEqualTo(ProxyEvent.Verdict.DENIED);
              assertThat(e.path())
                  .contains("produce")
                  .contains("deathstar-plans-read")
                  .contains("TOPIC_AUTHORIZATION_FAILED");
            });
  }

  @Test
  void metadataShowsOnlyTheTopicsTheClientMayUse() {
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          try (Admin admin = Admin.create(clientProps("empire-hq"))) {
            assertThat(admin.listTopics().names().get())
                .containsExactlyInAnyOrder("empire-announce", "deathstar-plans-read");
          }
          try (Admin admin = Admin.create(clientProps("operator"))) {
            assertThat(admin.listTopics().names().get())
                .contains("empire-announce", "deathstar-plans", "rebel-secrets");
          }
        });
  }

  @Test
  void anUnknownApiKeyClosesTheConnection() throws IOException {
    assertThat(sendRaw(frame((short) 9999, (short) 0, new byte[0]))).isEqualTo(-1);
  }

  @Test
  void aMalformedRequestClosesTheConnection() throws IOException {
    // A Produce v9 header, then a body cut short.
    assertThat(sendRaw(frame((short) 0, (short) 9, new byte[] {0, 1, 2}))).isEqualTo(-1);
  }

  @Test
  void requestsSentTogetherAreAnsweredInRequestOrderTheProxysRefusalAmongTheBrokersAnswers()
      throws IOException {
    short produceVersion = 12; // topics by name
    MemoryRecords records =
        MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("stolen plans".getBytes()));
    ProduceRequestData produce =
        new ProduceRequestData()
            .setAcks((short) 1)
            .setTimeoutMs(10_000)
            .setTopicData(
                new ProduceRequestData.TopicProduceDataCollection(
                    List.of(
                            new ProduceRequestData.TopicProduceData()
                                .setName("rebel-secrets")
                                .setPartitionData(
                                    List.of(
                                        new ProduceRequestData.PartitionProduceData()
                                            .setIndex(0)
                                            .setRecords(records))))
                        .iterator()));
    MetadataRequest metadata =
        new MetadataRequest.Builder(List.of("empire-announce"), false).build((short) 12);
    var batch = new java.io.ByteArrayOutputStream();
    batch.write(sized(KafkaGateTest.request(metadata, "raw", 1)));
    batch.write(
        sized(
            KafkaGateTest.request(
                ProduceRequest.builder(produce).build(produceVersion), "raw", 2)));
    batch.write(sized(KafkaGateTest.request(metadata, "raw", 3)));

    List<Integer> correlationIds = new ArrayList<>();
    ProduceResponse refusal = null;
    try (Socket s = new Socket(HOST, proxyPort)) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(batch.toByteArray()); // one write: the proxy reads them together
      DataInputStream in = new DataInputStream(s.getInputStream());
      for (int i = 0; i < 3; i++) {
        byte[] answer = new byte[in.readInt()];
        in.readFully(answer);
        ByteBuffer buf = ByteBuffer.wrap(answer);
        correlationIds.add(buf.getInt(0));
        if (buf.getInt(0) == 2) {
          ResponseHeader.parse(buf, ApiKeys.PRODUCE.responseHeaderVersion(produceVersion));
          refusal =
              (ProduceResponse)
                  AbstractResponse.parseResponse(
                      ApiKeys.PRODUCE, new ByteBufferAccessor(buf), produceVersion);
        }
      }
    }
    assertThat(correlationIds).containsExactly(1, 2, 3);
    assertThat(refusal).isNotNull();
    assertThat(refusal.errorCounts()).containsOnlyKeys(Errors.TOPIC_AUTHORIZATION_FAILED);
  }

  static byte[] sized(ByteBuffer payload) {
    ByteBuffer framed = KafkaGate.sized(payload);
    byte[] out = new byte[framed.remaining()];
    framed.get(out);
    return out;
  }

  /** A request frame: size, api key, version, correlation id 7, client id "raw" (v1 header). */
  static byte[] frame(short apiKey, short version, byte[] body) throws IOException {
    var out = new java.io.ByteArrayOutputStream();
    var d = new DataOutputStream(out);
    byte[] client = "raw".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    d.writeInt(2 + 2 + 4 + 2 + client.length + body.length);
    d.writeShort(apiKey);
    d.writeShort(version);
    d.writeInt(7);
    d.writeShort(client.length);
    d.write(client);
    d.write(body);
    return out.toByteArray();
  }

  /** Sends {@code frame} to the proxy; the first byte read back, -1 when the proxy closed. */
  static int sendRaw(byte[] frame) throws IOException {
    try (Socket s = new Socket(HOST, proxyPort)) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(frame);
      s.getOutputStream().flush();
      return new DataInputStream(s.getInputStream()).read();
    }
  }
}
