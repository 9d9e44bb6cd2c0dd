package io.palisade.node.datapath.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka's own producer or consumer as a pod's program: one operation, its outcome printed as one
 * line the test reads: {@code PRODUCED topic offset}, {@code CONSUMED value}, or {@code FAILED
 * ExceptionClass: message} with the client's own exception (the cause of a future's failure).
 *
 * <p>Arguments: {@code produce BOOTSTRAP CLIENT_ID TOPIC VALUE} or {@code consume BOOTSTRAP
 * CLIENT_ID GROUP TOPIC}.
 */
public final class PodKafkaClient {

  private PodKafkaClient() {}

  public static void main(String[] args) {
    try {
      switch (args[0]) {
        case "produce" -> produce(args[1], args[2], args[3], args[4]);
        case "consume" -> consume(args[1], args[2], args[3], args[4]);
        default -> throw new IllegalArgumentException("unknown operation " + args[0]);
      }
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      System.out.println("FAILED " + cause.getClass().getName() + ": " + cause.getMessage());
    }
    System.out.flush();
    System.exit(0);
  }

  private static Properties props(String bootstrap, String clientId) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("client.id", clientId);
    p.put("request.timeout.ms", "15000");
    p.put("default.api.timeout.ms", "20000");
    return p;
  }

  private static void produce(String bootstrap, String clientId, String topic, String value)
      throws Exception {
    Properties p = props(bootstrap, clientId);
    // Cilium's produce role has no InitProducerId, which an idempotent producer calls first.
    p.put("enable.idempotence", "false");
    p.put("max.block.ms", "20000");
    p.put("delivery.timeout.ms", "30000");
    p.put("linger.ms", "0");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      RecordMetadata m = producer.send(new ProducerRecord<>(topic, "k", value)).get();
      System.out.println("PRODUCED " + m.topic() + " " + m.offset());
    }
  }

  private static void consume(String bootstrap, String clientId, String group, String topic) {
    Properties p = props(bootstrap, clientId);
    p.put("group.id", group);
    p.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
          System.out.println("CONSUMED " + r.value());
          consumer.commitSync();
          return;
        }
      }
      System.out.println("FAILED nothing consumed from " + topic + " in 40 s");
    }
  }
}
