package io.palisade.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class DnsQueryTest {

  private static final Name HOTH = Name.fromConstantString("hoth.outer-rim.example.");

  @Test
  void aNameIsAbsoluteAndTheResolverAnAddress() {
    DnsQuery.Query q = DnsQuery.Query.parse("192.0.2.53", "hoth.outer-rim.example");
    assertThat(q.name()).isEqualTo(HOTH);
    assertThat(q.resolver()).isEqualTo("192.0.2.53");
  }

  @Test
  void eachBadArgumentIsNamed() {
    assertThatThrownBy(() -> DnsQuery.Query.parse("dns.local", "hoth.outer-rim.example"))
        .hasMessage("RESOLVER: \"dns.local\" is not an IPv4 address");
    assertThatThrownBy(() -> DnsQuery.Query.parse("192.0.2.53", "a..b"))
        .hasMessageStartingWith("NAME: \"a..b\": ");
    assertThatThrownBy(() -> DnsQuery.Query.parse("192.0.2.53"))
        .hasMessage("expected 2 arguments, got 1");
  }

  @Test
  void anAnswerWithAddressesPrintsThemAndAnyOtherItsCode() throws Exception {
    Message answer = query();
    answer.addRecord(
        new ARecord(HOTH, DClass.IN, 60, InetAddress.ofLiteral("198.51.100.80")), Section.ANSWER);
    answer.addRecord(
        new ARecord(HOTH, DClass.IN, 60, InetAddress.ofLiteral("198.51.100.82")), Section.ANSWER);
    assertThat(DnsQuery.describe(answer)).isEqualTo("ANSWER 198.51.100.80 198.51.100.82");

    Message refused = query();
    refused.getHeader().setRcode(Rcode.REFUSED);
    assertThat(DnsQuery.describe(refused)).isEqualTo("RCODE REFUSED");
    assertThat(DnsQuery.describe(query())).isEqualTo("RCODE NOERROR");
  }

  private static Message query() {
    return Message.newQuery(Record.newRecord(HOTH, Type.A, DClass.IN));
  }
}
