package io.palisade.policy.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Netip;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Palisade accepts exactly what Cilium's parsers accept: CIDRs and addresses as Go's net/netip
 * reads them, HTTP regexes as RE2, and integers that overflow are reported in the field's words.
 */
class CiliumParserParityTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.0/8|0a000000/8",
        "10.1.2.3/8|0a000000/8",
        "0.0.0.0/0|00000000/0",
        "192.0.2.7|c0000207/32",
        "fd00::/64|fd000000000000000000000000000000/64",
        "::|00000000000000000000000000000000/128",
        "::1|00000000000000000000000000000001/128",
        "1:2:3:4:5:6:7:8|00010002000300040005000600070008/128",
        "0001:00:0:0::1/128|00010000000000000000000000000001/128",
        "::ffff:10.0.0.1/128|00000000000000000000ffff0a000001/128",
        "::ffff:10.0.0.0/104|00000000000000000000ffff0a000000/104",
        "1:2:3:4:5:6:1.2.3.4|00010002000300040005000601020304/128",
        "FD00::AB/128|fd0000000000000000000000000000ab/128",
      })
  void acceptsWhatNetipAccepts(String text, String expected) {
    CidrPrefix p = CidrPrefix.read(text);
    assertThat(HexFormat.of().formatHex(p.address()) + "/" + p.length()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "010.0.0.0/8|IPv4 field has octet with leading zero",
        "10.0.0.00|IPv4 field has octet with leading zero",
        "256.0.0.0/8|IPv4 field has value >255",
        "10.0.0/8|IPv4 address too short",
        "10.0.0.0.0/8|IPv4 address too long",
        "10..0.0/8|IPv4 field must have at least one digit",
        "10.0.0.0/08|bad bits after slash: \"08\"",
        "10.0.0.0/+8|bad bits after slash: \"+8\"",
        "10.0.0.0/-1|bad bits after slash: \"-1\"",
        "10.0.0.0/|bad bits after slash: \"\"",
        "10.0.0.0/33|prefix length out of range",
        "fd00::/129|prefix length out of range",
        "fe80::1%eth0|an IPv6 zone (%eth0) is not allowed",
        "fe80::1%eth0/64|an IPv6 zone (%eth0) is not allowed",
        "%eth0|missing IPv6 address",
        "1::2::3|multiple :: in address",
        "1:2:3:4:5:6:7:8:9|trailing garbage after address",
        "1:2:3:4:5:6:7::8|the :: must expand to at least one field of zeros",
        "1:2:3|address string too short",
        "12345::|each group must have 4 or less digits",
        ":1::|each colon-separated field must have at least one digit",
        "1:|colon must be followed by more characters",
        "1:2:3:4:5:1.2.3.4|embedded IPv4 address must replace the final 2 fields of the address",
        "::ffff:010.0.0.1|IPv4 field has octet with leading zero",
        "example|unable to parse IP",
        "example.com|unexpected character",
        "' 10.0.0.0/8'|unexpected character",
        "0x0a.0.0.0/8|unexpected character",
      })
  void refusesWhatNetipRefuses(String text, String reason) {
    assertThatThrownBy(() -> CidrPrefix.read(text))
        .isInstanceOf(Netip.SyntaxException.class)
        .hasMessage(reason);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "toCIDR: [\"010.0.0.0/8\"]|spec.egress[0].toCIDR[0]: \"010.0.0.0/8\" is not a valid CIDR:"
            + " IPv4 field has octet with leading zero",
        "toCIDRSet: [{cidr: 10.0.0.0/8, except: [\"10.01.0.0/16\"]}]"
            + "|spec.egress[0].toCIDRSet[0].except[0]: \"10.01.0.0/16\" is not a valid CIDR:"
            + " IPv4 field has octet with leading zero",
        "toPorts: [{ports: [{port: \"80\", endPort: 4294967377}]}]"
            + "|spec.egress[0].toPorts[0].ports[0].endPort: 4294967377 is not a port (0-65535)",
        "toPorts: [{ports: [{port: \"80\", endPort: 70000}]}]"
            + "|spec.egress[0].toPorts[0].ports[0].endPort: 70000 is not a port (0-65535)",
        "toPorts: [{ports: [{port: \"80\"}], rules: {http: [{path: \"(a)\\\\1\"}]}}]"
            + "|spec.egress[0].toPorts[0].rules.http[0].path: \"(a)\\\\1\" is not a valid RE2 regular"
            + " expression: invalid escape sequence",
        "toPorts: [{ports: [{port: \"80\"}], rules: {http: [{method: \"(?=GET)\"}]}}]"
            + "|spec.egress[0].toPorts[0].rules.http[0].method: \"(?=GET)\" is not a valid RE2"
            + " regular expression: invalid or unsupported Perl syntax",
        "toPorts: [{ports: [{port: \"80\"}], rules: {http: [{host: \"a++\"}]}}]"
            + "|spec.egress[0].toPorts[0].rules.http[0].host: \"a++\" is not a valid RE2 regular"
            + " expression: invalid nested repetition operator",
      })
  void eachProblemIsNamedAtItsField(String egress, String error) {
    String doc =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: p, namespace: default}
        spec:
          endpointSelector: {}
          egress:
          - toEndpoints: [{}]
        """;
    if (!egress.startsWith("toPorts")) {
      doc = doc.replace("toEndpoints: [{}]", egress);
    } else {
      doc += "    " + egress + "\n";
    }
    LoadResult r = new PolicyLoader().load("p.yaml", doc);
    assertThat(r.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.error().toString()).isEqualTo(error));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/public/.*",
        "GET|POST",
        "^/api/v[0-9]+/(users|groups)$",
        "[[:alpha:]]+\\.example"
      })
  void re2AcceptsWhatCiliumAccepts(String regex) {
    String doc =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: p, namespace: default}
        spec:
          endpointSelector: {}
          ingress:
          - toPorts: [{ports: [{port: "80"}], rules: {http: [{path: 'REGEX'}]}}]
        """;
    LoadResult r = new PolicyLoader().load("p.yaml", doc.replace("REGEX", regex));
    assertThat(r.errors()).isEmpty();
  }
}
