package io.palisade.node.datapath.kafka;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka's own broker (KRaft, one process as broker and controller) as a pod's program: run
 * in the pod's network namespace, it listens and advertises on the pod's address and port, as a
 * broker pod does (the test kit's broker cannot: it binds its listeners to ephemeral wildcard
 * ports). It formats its log directory as {@code kafka-storage.sh format --standalone} does, starts
 * through {@code kafka.Kafka}'s own entry point, creates the topics it is given, prints {@code
 * READY} and serves until its JVM is stopped. Its controller listens on the pod's loopback, and its
 * own admin connection stays inside the pod, so no policy applies to either.
 *
 * <p>Arguments: the pod's address, the port, the log directory, then the topics.
 */
public final class PodKafkaBroker {

  private static final int CONTROLLER_PORT = 9093;

  private PodKafkaBroker() {}

  public static void main(String[] args) throws Exception {
    String ip = args[0];
    int port = Integer.parseInt(args[1]);
    Path dir = Path.of(args[2]);
    List<String> topics = List.of(args).subList(3, args.length);
    Path config = dir.resolve("server.properties");
    try (Writer w = Files.newBufferedWriter(config)) {
      serverProperties(ip, port, dir.resolve("log")).store(w, "the pod's broker");
    }
    ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
    int formatted =
        StorageTool.execute(
            new String[] {
              "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--standalone"
            },
            new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
    if (formatted != 0) {
      System.out.println("FAILED formatting the log directory: " + formatOutput);
      System.exit(1);
    }
    // kafka.Kafka runs the server until the JVM's shutdown hook stops it.
    Thread.ofPlatform()
        .name("kafka-main")
        .start(() -> kafka.Kafka.main(new String[] {config.toString()}));
    Properties p = new Properties();
    p.put("bootstrap.servers", ip + ":" + port);
    p.put("default.api.timeout.ms", "90000");
    try (Admin admin = Admin.create(p)) {
      List<NewTopic> create = new ArrayList<>();
      for (String t : topics) {
        create.add(new NewTopic(t, 1, (short) 1));
      }
      admin.createTopics(create).all().get();
    } catch (Exception e) {
      System.out.println("FAILED creating the topics: " + e);
      System.exit(1);
    }
    System.out.println("READY " + ip + ":" + port);
    System.out.flush();
  }

  private static Properties serverProperties(String ip, int port, Path logDir) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + CONTROLLER_PORT);
    p.put(
        "listeners",
        "PLAINTEXT://" + ip + ":" + port + ",CONTROLLER://127.0.0.1:" + CONTROLLER_PORT);
    p.put("advertised.listeners", "PLAINTEXT://" + ip + ":" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    return p;
  }
}
