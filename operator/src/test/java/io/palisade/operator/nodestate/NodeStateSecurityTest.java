package io.palisade.operator.nodestate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The node-state server's defaults: mutual TLS, or a refusal naming the property to set. */
class NodeStateSecurityTest {

  private static final Optional<String> NONE = Optional.empty();
  private static final Optional<String> CERT = Optional.of("/tls/tls.crt");
  private static final Optional<String> KEY = Optional.of("/tls/tls.key");
  private static final Optional<String> CA = Optional.of("/tls/ca.crt");

  @Test
  void theServerRefusesPlainTextByDefaultBeforeOpeningAPort() throws Exception {
    int port;
    try (var probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    int free = port;
    assertThatThrownBy(
            () ->
                NodeStateServer.start(
                    new InetSocketAddress("127.0.0.1", free),
                    new NodeStateStore("e", 4),
                    NodeStateSecurity.fromProperties(NONE, NONE, NONE, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the node-state server would serve plain text, so anyone on the path could read and"
                + " forge node state: set palisade.node-state.tls.cert, palisade.node-state.tls.key"
                + " and palisade.node-state.tls.client-ca, or palisade.node-state.tls.issue=true for"
                + " certificates the operator issues, or palisade.node-state.insecure=true to allow"
                + " it");
    assertThatThrownBy(() -> new Socket("127.0.0.1", free).close())
        .as("nothing listens")
        .isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void tlsWithoutAClientCaIsRefusedByDefault() {
    assertThatThrownBy(() -> NodeStateSecurity.fromProperties(CERT, KEY, NONE, false))
        .hasMessage(
            "the node-state server has no client CA, so any peer could claim any node and receive"
                + " its state: set palisade.node-state.tls.client-ca, or"
                + " palisade.node-state.insecure=true to allow it");
  }

  @Test
  void insecureAllowsLessAndSaysSo() {
    NodeStateSecurity plain = NodeStateSecurity.fromProperties(NONE, NONE, NONE, true);
    assertThat(plain.tls()).isEmpty();
    assertThat(plain.pinsNodes()).isFalse();
    assertThat(plain.describe()).isEqualTo("plain text (palisade.node-state.insecure=true)");
    NodeStateSecurity serverOnly = NodeStateSecurity.fromProperties(CERT, KEY, NONE, true);
    assertThat(serverOnly.pinsNodes()).isFalse();
    assertThat(serverOnly.describe()).startsWith("TLS without client certificates");
  }

  @Test
  void mutualTlsPinsNodesWhetherOrNotInsecureIsSet() {
    for (boolean insecure : new boolean[] {false, true}) {
      NodeStateSecurity s = NodeStateSecurity.fromProperties(CERT, KEY, CA, insecure);
      assertThat(s.pinsNodes()).isTrue();
      assertThat(s.describe()).isEqualTo("mutual TLS");
    }
  }

  @Test
  void halfATlsConfigurationIsAnError() {
    assertThatThrownBy(() -> NodeStateSecurity.fromProperties(CERT, NONE, CA, false))
        .hasMessage(
            "palisade.node-state.tls.cert and palisade.node-state.tls.key go together: set both");
    assertThatThrownBy(() -> NodeStateSecurity.fromProperties(NONE, NONE, CA, true))
        .hasMessage(
            "palisade.node-state.tls.client-ca needs palisade.node-state.tls.cert and"
                + " palisade.node-state.tls.key as well");
  }
}
