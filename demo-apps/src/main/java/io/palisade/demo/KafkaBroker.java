package io.palisade.demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;

/**
 * Apache Kafka's own broker as a pod's program: one process in KRaft mode as broker and controller,
 * listening and advertising on the pod's address, as a broker pod does. It formats its log
 * directory as {@code kafka-storage.sh format --standalone} does, starts through {@code
 * kafka.Kafka}'s own entry point, creates its topics, prints {@code READY ADDRESS:PORT} and serves
 * until it is stopped (SIGTERM: Kafka's shutdown hook closes it cleanly). Its controller listens on
 * the pod's loopback and its own admin connection stays inside the pod, so no policy applies to
 * either.
 */
public final class KafkaBroker {

  static final String USAGE = "ADDRESS:PORT LOG_DIR TOPIC...";

  /** Where the controller listens, on the pod's loopback. */
  static final int CONTROLLER_PORT = 9093;

  /** What the command line asks for. */
  record Options(Endpoint listen, Path dir, List<String> topics) {

    /**
     * The options {@code args} give.
     *
     * @throws IllegalArgumentException naming the argument that is wrong
     */
    static Options parse(String... args) {
      if (args.length < 3) {
        throw new IllegalArgumentException(
            "expected ADDRESS:PORT, LOG_DIR and at least one TOPIC; got "
                + args.length
                + " arguments");
      }
      Endpoint listen = Endpoint.parse("ADDRESS:PORT", args[0]);
      if (listen.port() == CONTROLLER_PORT) {
        throw new IllegalArgumentException(
            "ADDRESS:PORT: " + CONTROLLER_PORT + " is the controller's port on the pod's loopback");
      }
      Path dir = Path.of(args[1]);
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("LOG_DIR: \"" + dir + "\" is not a directory");
      }
      List<String> topics = List.of(args).subList(2, args.length);
      for (String t : topics) {
        try {
          Topic.validate(t);
        } catch (InvalidTopicException e) {
          throw new IllegalArgumentException("TOPIC: " + e.getMessage());
        }
      }
      return new Options(listen, dir, List.copyOf(topics));
    }
  }

  private KafkaBroker() {}

  public static void main(String[] args) throws Exception {
    Options o = null;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      Programs.usage("KafkaBroker", USAGE, e);
    }
    Programs.warningsOnly();
    Path config = o.dir().resolve("server.properties");
    try (Writer w = Files.newBufferedWriter(config)) {
      serverProperties(o.listen(), o.dir().resolve("log")).store(w, "the broker pod's broker");
    }
    format(config);
    // kafka.Kafka serves until the JVM's shutdown hook stops it; its threads keep the JVM alive.
    Thread.ofPlatform()
        .name("kafka-main")
        .start(() -> kafka.Kafka.main(new String[] {config.toString()}));
    createTopics(o);
    System.out.println("READY " + o.listen() + " " + String.join(" ", o.topics()));
    System.out.flush();
  }

  /** As {@code kafka-storage.sh format --standalone}: a new cluster of this one controller. */
  private static void format(Path config) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int formatted =
        StorageTool.execute(
            new String[] {
              "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--standalone"
            },
            new PrintStream(output, true, StandardCharsets.UTF_8));
    if (formatted != 0) {
      fail("formatting the log directory: " + output.toString(StandardCharsets.UTF_8).strip());
    }
  }

  private static void createTopics(Options o) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, o.listen().toString());
    // The broker is still starting: the first calls wait for it, up to two minutes on a busy
    // machine.
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "120000");
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(o.topics().stream().map(t -> new NewTopic(t, 1, (short) 1)).toList())
          .all()
          .get();
    } catch (Exception e) {
      fail("creating the topics " + o.topics() + ": " + e);
    }
  }

  private static void fail(String what) {
    System.out.println("FAILED " + what);
    System.out.flush();
    System.exit(1);
  }

  static Properties serverProperties(Endpoint listen, Path logDir) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + CONTROLLER_PORT);
    p.put("listeners", "PLAINTEXT://" + listen + ",CONTROLLER://127.0.0.1:" + CONTROLLER_PORT);
    p.put("advertised.listeners", "PLAINTEXT://" + listen);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    // One broker: every internal topic has one replica, or the broker waits for others.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    // A consumer group of one member need not wait three seconds for others to join.
    p.put("group.initial.rebalance.delay.ms", "0");
    // Topics are the demo's to name: a refused one must not be made by a client asking for it.
    p.put("auto.create.topics.enable", "false");
    return p;
  }
}
