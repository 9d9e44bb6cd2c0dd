package io.palisade.proxy.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.palisade.crds.api.FQDNSelector;
import io.palisade.policy.fqdn.FqdnMatcher;
import io.palisade.proxy.ProxyOptions;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * The DNS proxy alone on loopback, with Debian's dnsmasq as the resolver: nothing redirects here,
 * so the client asks the proxy's port and a test hook says the original destination was dnsmasq.
 */
class DnsProxyTest {

  private static final Duration GUARD = Duration.ofSeconds(60);
  private static final int PORT = 15054;

  private static Dnsmasq dnsmasq;

  @BeforeAll
  static void resolver() throws Exception {
    dnsmasq =
        Dnsmasq.start(
            30,
            "api.example.com,10.1.2.3",
            "www.example.org,10.1.2.4",
            "evil.example.net,10.6.6.6");
  }

  @AfterAll
  static void stop() throws Exception {
    dnsmasq.close();
  }

  /** Names of example.com and *.example.org, by the shared matcher. */
  private static final DnsPolicy RULES =
      (client, server, name) -> {
        for (FQDNSelector s :
            List.of(
                new FQDNSelector("api.example.com", null),
                new FQDNSelector(null, "*.example.org"))) {
          if (FqdnMatcher.of(s).matches(name)) {
            return DnsVerdict.allowed(FqdnMatcher.key(s));
          }
        }
        return DnsVerdict.refused("no rule matches " + name);
      };

  private static DnsProxy start(DnsAnswerListener listener) {
    DnsProxy proxy =
        DnsProxy.start(
            ProxyOptions.defaults()
                .withTransparent(false)
                .withUpstreamMark(0)
                .withBindAddress("127.0.0.1")
                .withBindPort(p -> 0)
                .withOriginalDestination((local, remote) -> dnsmasq.address()),
            listener);
    proxy.policy(RULES);
    proxy.listen(Set.of(PORT));
    return proxy;
  }

  private static InetSocketAddress at(DnsProxy proxy) {
    return new InetSocketAddress("127.0.0.1", proxy.localPort(PORT));
  }

  @Test
  void anAllowedNameIsAnsweredOnlyAfterItsAddressesAreLearned() {
    List<DnsAnswer> learned = new CopyOnWriteArrayList<>();
    AtomicBoolean released = new AtomicBoolean();
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          try (DnsProxy proxy =
              start(
                  a -> {
                    Thread.sleep(300); // a slow datapath write: the client must wait for it
                    assertThat(released).isFalse();
                    learned.add(a);
                  })) {
            for (boolean tcp : new boolean[] {false, true}) {
              Message m = Dnsmasq.query(at(proxy), "api.example.com", tcp);
              released.set(true);
              assertThat(m.getRcode()).as("tcp " + tcp).isEqualTo(Rcode.NOERROR);
              assertThat(
                      ((ARecord) m.getSection(Section.ANSWER).getFirst())
                          .getAddress()
                          .getHostAddress())
                  .isEqualTo("10.1.2.3");
              assertThat(learned).hasSize(tcp ? 2 : 1);
              released.set(false);
            }
            DnsAnswer a = learned.getFirst();
            assertThat(a.question()).isEqualTo("api.example.com.");
            assertThat(a.addresses())
                .singleElement()
                .satisfies(
                    x -> {
                      assertThat(x.name()).isEqualTo("api.example.com.");
                      assertThat(x.address().getHostAddress()).isEqualTo("10.1.2.3");
                      assertThat(x.ttlSeconds()).isEqualTo(30);
                    });
            assertThat(Dnsmasq.query(at(proxy), "WWW.Example.Org", false).getRcode())
                .as("a pattern, any case")
                .isEqualTo(Rcode.NOERROR);
            assertThat(proxy.counts().allowed()).isEqualTo(3);
          }
        });
  }

  @Test
  void aNameNoRuleAdmitsIsRefusedWithoutAskingTheResolver() {
    List<DnsAnswer> learned = new CopyOnWriteArrayList<>();
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          try (DnsProxy proxy = start(learned::add)) {
            for (boolean tcp : new boolean[] {false, true}) {
              Message m = Dnsmasq.query(at(proxy), "evil.example.net", tcp);
              assertThat(Rcode.string(m.getRcode())).isEqualTo("REFUSED");
              assertThat(m.getSection(Section.ANSWER)).isEmpty();
              assertThat(m.getQuestion().getName()).hasToString("evil.example.net.");
            }
            assertThat(learned).isEmpty();
            assertThat(proxy.counts().refused()).isEqualTo(2);
            assertThat(proxy.counts().allowed()).isZero();
          }
        });
  }

  @Test
  void anAnswerTheNodeCouldNotLearnIsNotReleased() {
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          try (DnsProxy proxy =
              start(
                  a -> {
                    throw new IllegalStateException("the ipcache is full");
                  })) {
            Message m = Dnsmasq.query(at(proxy), "api.example.com", false);
            assertThat(Rcode.string(m.getRcode())).isEqualTo("SERVFAIL");
            assertThat(m.getSection(Section.ANSWER)).isEmpty();
            assertThat(proxy.counts().unlearned()).isEqualTo(1);
          }
        });
  }

  @Test
  void garbageIsAnsweredFormErrAndTheProxyKeepsServing() {
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          try (DnsProxy proxy = start(DnsAnswerListener.NONE);
              DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(5000);
            byte[] junk = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x7f};
            s.send(new DatagramPacket(junk, junk.length, at(proxy)));
            byte[] buf = new byte[512];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            byte[] got = java.util.Arrays.copyOf(buf, p.getLength());
            Message m = new Message(got);
            assertThat(m.getHeader().getID()).isEqualTo(0x1234);
            assertThat(Rcode.string(m.getRcode())).isEqualTo("FORMERR");
            assertThat(Dnsmasq.query(at(proxy), "api.example.com", false).getRcode())
                .isEqualTo(Rcode.NOERROR);
            assertThat(proxy.counts().malformed()).isEqualTo(1);
          }
        });
  }

  @Test
  void anUnreachableResolverIsServFail() {
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          try (DnsProxy proxy =
              DnsProxy.start(
                  ProxyOptions.defaults()
                      .withTransparent(false)
                      .withUpstreamMark(0)
                      .withBindAddress("127.0.0.1")
                      .withBindPort(p -> 0)
                      // A TCP port nothing listens on: the connection is refused at once.
                      .withOriginalDestination((l, r) -> new InetSocketAddress("127.0.0.1", 9)),
                  DnsAnswerListener.NONE)) {
            proxy.policy(RULES);
            proxy.listen(Set.of(PORT));
            Message m = Dnsmasq.query(at(proxy), "api.example.com", true);
            assertThat(Rcode.string(m.getRcode())).isEqualTo("SERVFAIL");
          }
        });
  }
}
