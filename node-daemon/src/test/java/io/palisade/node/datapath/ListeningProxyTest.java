package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** {@code --l7-proxy envoy} reads a port as ready while something listens on it, and only then. */
class ListeningProxyTest {

  @Test
  void aPortIsListeningWhileASocketListensOnItAndNotAfter() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
      assertThat(ListeningProxy.listening()).contains(port);
    }
    assertThat(ListeningProxy.listening()).doesNotContain(port);
  }
}
