package io.palisade.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListenAddressTest {

  @Test
  void takesIpLiteralsOnly() {
    assertThat(ListenAddress.parse("--x", "127.0.0.1", 9).getAddress().isLoopbackAddress())
        .isTrue();
    assertThat(ListenAddress.parse("--x", "0.0.0.0", 9).getAddress().isAnyLocalAddress()).isTrue();
    assertThat(ListenAddress.parse("--x", "[::1]", 9).getAddress().isLoopbackAddress()).isTrue();
    assertThatThrownBy(() -> ListenAddress.parse("--metrics-address", "localhost", 9))
        .hasMessage(
            "--metrics-address localhost: expected an IP address (127.0.0.1 for this host only,"
                + " 0.0.0.0 or :: for every address)");
    assertThatThrownBy(() -> ListenAddress.parse("--http-port", "127.0.0.1", 70000))
        .hasMessage("port 70000 is not 0-65535");
  }
}
