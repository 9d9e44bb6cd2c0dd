package io.palisade.policy.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A prefix's text is Go's {@code netip.Prefix.String}, which Cilium's labels and maps carry. */
class CidrPrefixTest {

  @ParameterizedTest
  @CsvSource({
    "10.0.0.7, 10.0.0.7/32",
    "0.0.0.0/0, 0.0.0.0/0",
    "10.1.2.3/8, 10.0.0.0/8",
    "fd00::1, fd00::1/128",
    "fd00:0:0:0:0:0:0:1/128, fd00::1/128",
    "FD00::ABCD, fd00::abcd/128",
    "::, ::/128",
    "::/0, ::/0",
    "::1, ::1/128",
    "1::, 1::/128",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1/128",
    "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1/128",
    "2001:db8:1:2:3:4:0:6, 2001:db8:1:2:3:4:0:6/128",
    "fd00:10::/32, fd00:10::/32",
    "::ffff:10.1.2.3, ::ffff:10.1.2.3/128",
    "::ffff:0:0/96, ::ffff:0.0.0.0/96",
  })
  void writesPrefixesAsGoDoes(String text, String want) {
    CidrPrefix p = CidrPrefix.read(text);

    assertThat(p).hasToString(want);
    assertThat(CidrPrefix.read(p.toString())).isEqualTo(p);
    assertThat(CidrPrefix.fromLabelKey(p.labelKey())).contains(p);
  }

  @ParameterizedTest
  @CsvSource({
    "10.1.2.0/24, 10.1.2.0/24",
    "::1/128, 0--1/128",
    "::/0, 0--0/0",
    "fd00::/64, fd00--0/64",
    "fd00::1/128, fd00--1/128",
    "2001:db8::1:0:0:1/128, 2001-db8--1-0-0-1/128",
    "::ffff:10.1.2.3/128, 0--ffff-10.1.2.3/128",
  })
  void labelKeysAreCiliumsWithAZeroWhereADashWouldStartOrEnd(String prefix, String key) {
    CidrPrefix p = CidrPrefix.read(prefix);

    assertThat(p.labelKey()).isEqualTo(key);
    assertThat(CidrPrefix.fromLabelKey(key)).contains(p);
  }
}
