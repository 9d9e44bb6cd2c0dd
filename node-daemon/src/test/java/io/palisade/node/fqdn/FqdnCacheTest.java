package io.palisade.node.fqdn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.proxy.dns.DnsAnswer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FqdnCacheTest {

  static final long API = (1L << 24) | 1;
  static final long ANY = (1L << 24) | 2;
  static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.1", 40000);

  /** fd00::1/128 as the node state writes a prefix. */
  static final String V6 =
      io.palisade.policy.identity.CidrPrefix.host(InetAddress.ofLiteral("fd00::1").getAddress())
          .toString();

  /** A clock the test moves. */
  static final class Hands extends Clock {
    Instant now = Instant.parse("2026-12-03T12:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  static DnsAnswer answer(String name, String address, long ttl) {
    return new DnsAnswer(
        CLIENT, name, List.of(new DnsAnswer.Address(name, InetAddress.ofLiteral(address), ttl)));
  }

  @Test
  void anAnswerBecomesTheSelectorsAddressUntilItsRaisedTtlRunsOut() {
    Hands clock = new Hands();
    FqdnCache cache =
        new FqdnCache(new FqdnOptions(Duration.ofSeconds(60), Optional.empty()), clock);
    cache.selectors(Map.of(API, "matchName=api.example.com.", ANY, "matchPattern=*.example.org."));

    assertThat(cache.learn(answer("API.example.com.", "10.1.2.3", 5))).isTrue();
    assertThat(cache.learn(answer("www.example.net.", "10.6.6.6", 5))).as("no selector").isFalse();
    assertThat(cache.learn(answer("www.example.org.", "fd00::1", 300))).isTrue();
    assertThat(cache.ipcache())
        .containsExactlyInAnyOrderEntriesOf(Map.of("10.1.2.3/32", API, V6, ANY));

    clock.now = clock.now.plusSeconds(59);
    assertThat(cache.expire()).as("the TTL of 5 s is raised to 60 s").isFalse();
    clock.now = clock.now.plusSeconds(1);
    assertThat(cache.expire()).isTrue();
    assertThat(cache.ipcache()).containsOnlyKeys(V6);
  }

  @Test
  void anAddressTwoSelectorsShareTakesTheLowerIdentity() {
    FqdnCache cache = new FqdnCache(new FqdnOptions(Duration.ZERO, Optional.empty()), new Hands());
    cache.selectors(Map.of(ANY, "matchPattern=*.example.com.", API, "matchName=api.example.com."));
    cache.learn(answer("api.example.com.", "10.1.2.3", 30));
    assertThat(cache.ipcache()).containsExactly(Map.entry("10.1.2.3/32", API));
  }

  @Test
  void whatWasLearnedSurvivesARestartAndARenumbering(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("fqdn.tsv");
    Hands clock = new Hands();
    FqdnOptions options = new FqdnOptions(Duration.ofSeconds(3600), Optional.of(file));
    FqdnCache before = new FqdnCache(options, clock);
    before.selectors(Map.of(API, "matchName=api.example.com."));
    before.learn(answer("api.example.com.", "10.1.2.3", 30));

    FqdnCache after = new FqdnCache(options, clock);
    assertThat(after.ipcache()).as("no selector known yet").isEmpty();
    after.selectors(Map.of(ANY, "matchName=api.example.com."));
    assertThat(after.ipcache()).containsExactly(Map.entry("10.1.2.3/32", ANY));

    clock.now = clock.now.plusSeconds(3600);
    FqdnCache expired = new FqdnCache(options, clock);
    expired.selectors(Map.of(API, "matchName=api.example.com."));
    assertThat(expired.ipcache()).isEmpty();
    assertThat(Files.readString(file)).isEmpty();
  }

  @Test
  void aStateFileItCannotReadIsRefusedNamingTheLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("fqdn.tsv");
    Files.writeString(file, "matchName=a.example.com.\t10.0.0.1\t1\nnonsense\n");
    assertThatThrownBy(
            () -> new FqdnCache(new FqdnOptions(Duration.ZERO, Optional.of(file)), new Hands()))
        .hasMessageContaining(file + ":2: expected selector, address and expiry");
  }
}
