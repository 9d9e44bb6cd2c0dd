package io.palisade.proxy.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Apache Kafka's own broker, in KRaft mode (one process acting as broker and controller), in this
 * JVM. It listens on {@link #port()} and tells clients to come back through {@code advertisedPort},
 * the proxy's, as a broker behind a redirect would be reached.
 */
final class KafkaBroker implements AutoCloseable {

  private final KafkaClusterTestKit cluster;
  private final int port;

  private KafkaBroker(KafkaClusterTestKit cluster, int port) {
    this.cluster = cluster;
    this.port = port;
  }

  static KafkaBroker start(String host, int advertisedPort) throws Exception {
    KafkaClusterTestKit cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            .setConfigProp("advertised.listeners", "EXTERNAL://" + host + ":" + advertisedPort)
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("auto.create.topics.enable", "false")
            .build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    // The test kit may choose the listener's port itself: ask the broker where it listens.
    int bound =
        cluster.brokers().values().iterator().next().boundPort(new ListenerName("EXTERNAL"));
    return new KafkaBroker(cluster, bound);
  }

  int port() {
    return port;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
