package io.palisade.demo;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka's own producer or consumer as a pod's program: one operation, and its outcome as one line
 * on stdout: {@code PRODUCED value}, {@code CONSUMED value}, {@code REFUSED Exception} when the
 * client raised an authorization error (the Kafka proxy's refusal), or {@code FAILED Exception:
 * message} for anything else, with exit code 1. Every wait is bounded, so a refusal never hangs.
 */
public final class KafkaClient {

  static final String USAGE =
      "produce BOOTSTRAP CLIENT_ID TOPIC VALUE | consume BOOTSTRAP CLIENT_ID TOPIC GROUP";

  /** The longest the whole operation may take before the program gives up with FAILED. */
  static final Duration LIMIT = Duration.ofSeconds(60);

  /** How long a consumer polls for a first record. */
  static final Duration CONSUME_FOR = Duration.ofSeconds(40);

  /** How long closing a client may wait for what it still has out. */
  static final Duration CLOSE_WITHIN = Duration.ofSeconds(5);

  /** Produce or consume. */
  enum Kind {
    produce,
    consume
  }

  /** One operation: for produce the last argument is the value, for consume the group. */
  record Operation(Kind kind, Endpoint bootstrap, String clientId, String topic, String last) {

    /**
     * The operation {@code args} give.
     *
     * @throws IllegalArgumentException naming the argument that is wrong
     */
    static Operation parse(String... args) {
      if (args.length != 5) {
        throw new IllegalArgumentException("expected 5 arguments, got " + args.length);
      }
      Kind kind;
      try {
        kind = Kind.valueOf(args[0]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "OPERATION: \"" + args[0] + "\" is neither produce nor consume");
      }
      Endpoint bootstrap = Endpoint.parse("BOOTSTRAP", args[1]);
      if (args[2].isBlank()) {
        throw new IllegalArgumentException("CLIENT_ID: empty");
      }
      try {
        Topic.validate(args[3]);
      } catch (InvalidTopicException e) {
        throw new IllegalArgumentException("TOPIC: " + e.getMessage());
      }
      if (kind == Kind.consume && args[4].isBlank()) {
        throw new IllegalArgumentException("GROUP: empty");
      }
      return new Operation(kind, bootstrap, args[2], args[3], args[4]);
    }
  }

  private KafkaClient() {}

  public static void main(String[] args) {
    Operation op = null;
    try {
      op = Operation.parse(args);
    } catch (IllegalArgumentException e) {
      Programs.usage("KafkaClient", USAGE, e);
    }
    Programs.warningsOnly();
    watchdog();
    String outcome;
    try {
      outcome = op.kind() == Kind.produce ? produce(op) : consume(op);
    } catch (Exception e) {
      outcome = outcome(e);
    }
    System.out.println(outcome);
    System.out.flush();
    // Kafka's client threads may still be closing: the outcome is out, and the exit code says it.
    Runtime.getRuntime().halt(outcome.startsWith("FAILED") ? 1 : 0);
  }

  /**
   * The line a failed operation prints: an authorization error anywhere in the chain of causes is a
   * refusal; anything else is a failure.
   */
  static String outcome(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AuthorizationException) {
        return "REFUSED " + t.getClass().getSimpleName();
      }
    }
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    return "FAILED " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /**
   * Ends the program once {@link #LIMIT} has passed, whatever the client is waiting for: the
   * client's own timeouts are shorter, so this only fires when one of them does not hold.
   */
  private static void watchdog() {
    Thread.ofPlatform()
        .daemon()
        .name("watchdog")
        .start(
            () -> {
              try {
                Thread.sleep(LIMIT);
              } catch (InterruptedException e) {
                return;
              }
              System.out.println("FAILED no outcome within " + LIMIT.toSeconds() + " s");
              System.out.flush();
              Runtime.getRuntime().halt(1);
            });
  }

  private static Properties common(Operation op) {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, op.bootstrap().toString());
    p.put(CommonClientConfigs.CLIENT_ID_CONFIG, op.clientId());
    p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    p.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    return p;
  }

  private static String produce(Operation op) throws Exception {
    Properties p = common(op);
    // Cilium's produce role has no InitProducerId, which an idempotent producer calls first.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    try {
      producer.send(new ProducerRecord<>(op.topic(), op.last())).get();
      return "PRODUCED " + op.last();
    } finally {
      // close() alone waits without end for requests still out; the outcome is known by now.
      producer.close(CLOSE_WITHIN);
    }
  }

  private static String consume(Operation op) {
    Properties p = common(op);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, op.last());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    try {
      consumer.subscribe(List.of(op.topic()));
      long deadline = System.nanoTime() + CONSUME_FOR.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
          consumer.commitSync();
          return "CONSUMED " + r.value();
        }
      }
      return "FAILED nothing consumed from "
          + op.topic()
          + " within "
          + CONSUME_FOR.toSeconds()
          + " s";
    } finally {
      consumer.close(CloseOptions.timeout(CLOSE_WITHIN));
    }
  }
}
