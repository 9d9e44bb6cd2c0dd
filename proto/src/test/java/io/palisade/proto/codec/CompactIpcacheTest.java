package io.palisade.proto.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.policy.identity.CidrPrefix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The compact ipcache answers as a hash map of the same entries would, and never changes. */
class CompactIpcacheTest {

  @Test
  void answersAsAHashMapOfTheSameEntries() {
    Random random = new Random(7);
    Map<CidrPrefix, Long> want = new HashMap<>();
    for (int i = 0; i < 5_000; i++) {
      CidrPrefix p = randomPrefix(random);
      want.put(p, (long) random.nextInt(1 << 24));
    }
    CompactIpcache compact = CompactIpcache.of(want);

    assertThat(compact).isEqualTo(want).hasSameHashCodeAs(want);
    assertThat(compact.size()).isEqualTo(want.size());
    for (int i = 0; i < 5_000; i++) {
      CidrPrefix probe = randomPrefix(random);
      assertThat(compact.get(probe)).isEqualTo(want.get(probe));
      assertThat(compact.containsKey(probe)).isEqualTo(want.containsKey(probe));
    }
    want.forEach((p, id) -> assertThat(compact.get(p)).isEqualTo(id));
    assertThat(compact.get("10.0.0.1/32")).isNull();
    Map<CidrPrefix, Long> seen = new HashMap<>();
    compact.forEach(seen::put);
    assertThat(seen).isEqualTo(want);
  }

  @Test
  void iteratesInThePackersOrder() {
    Map<CidrPrefix, Long> ipcache = new HashMap<>();
    for (String p :
        List.of("fd00::1/128", "10.0.0.9/32", "0.0.0.0/0", "::/0", "10.0.0.0/8", "10.0.0.2/32")) {
      ipcache.put(CidrPrefix.read(p), 1L);
    }
    List<String> order = new ArrayList<>();
    CompactIpcache.of(ipcache).keySet().forEach(p -> order.add(p.toString()));
    assertThat(order)
        .containsExactly(
            "0.0.0.0/0", "10.0.0.0/8", "10.0.0.2/32", "10.0.0.9/32", "::/0", "fd00::1/128");
  }

  @Test
  void withDeletesThenUpsertsAndLeavesTheOriginalAsItWas() {
    Random random = new Random(11);
    Map<CidrPrefix, Long> base = new HashMap<>();
    List<CidrPrefix> keys = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      CidrPrefix p = randomPrefix(random);
      base.put(p, (long) i);
      keys.add(p);
    }
    CompactIpcache before = CompactIpcache.of(base);
    Map<CidrPrefix, Long> beforeCopy = new TreeMap<>(before);
    for (int round = 0; round < 50; round++) {
      List<CidrPrefix> deletes = new ArrayList<>();
      Map<CidrPrefix, Long> upserts = new HashMap<>();
      for (int k = 0; k < 1 + random.nextInt(40); k++) {
        deletes.add(
            random.nextBoolean() ? keys.get(random.nextInt(keys.size())) : randomPrefix(random));
      }
      for (int k = 0; k < random.nextInt(40); k++) {
        CidrPrefix p =
            random.nextBoolean() ? keys.get(random.nextInt(keys.size())) : randomPrefix(random);
        upserts.put(p, 1_000_000L + k);
      }
      // A prefix both deleted and put ends up put.
      upserts.put(deletes.getFirst(), 42L);

      Map<CidrPrefix, Long> want = new HashMap<>(base);
      deletes.forEach(want::remove);
      want.putAll(upserts);
      CompactIpcache after = CompactIpcache.of(base).with(deletes, upserts);

      assertThat(after).isEqualTo(want);
      assertThat(after.get(deletes.getFirst())).isEqualTo(42L);
    }
    assertThat(before).isEqualTo(beforeCopy);
  }

  @Test
  void deletingEveryEntryOfAKindDropsItsGroup() {
    CidrPrefix only = CidrPrefix.read("fd00::/64");
    CompactIpcache one = CompactIpcache.of(Map.of(only, 5L, CidrPrefix.read("10.1.0.0/16"), 6L));

    CompactIpcache none = one.with(List.of(only, CidrPrefix.read("10.1.0.0/16")), Map.of());

    assertThat(none).isEmpty();
    assertThat(none.get(only)).isNull();
    assertThat(one.with(List.of(), Map.of())).isSameAs(one);
    assertThat(CompactIpcache.of(one)).isSameAs(one);
  }

  @Test
  void cannotBeChanged() {
    CompactIpcache c = CompactIpcache.of(Map.of(CidrPrefix.read("10.0.0.1/32"), 1L));
    assertThatThrownBy(() -> c.put(CidrPrefix.read("10.0.0.2/32"), 2L))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.entrySet().iterator().remove())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.keySet().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  /** IPv4 and IPv6, host and network prefixes, some in few kinds so that keys collide. */
  private static CidrPrefix randomPrefix(Random random) {
    if (random.nextInt(4) == 0) {
      byte[] a = new byte[16];
      a[0] = (byte) 0xFD;
      a[15] = (byte) random.nextInt(64);
      a[random.nextInt(16)] ^= (byte) random.nextInt(256);
      int[] lengths = {0, 48, 64, 127, 128};
      return new CidrPrefix(a, lengths[random.nextInt(lengths.length)]);
    }
    byte[] a = {10, 0, (byte) random.nextInt(8), (byte) random.nextInt(256)};
    int[] lengths = {0, 8, 16, 24, 31, 32, 32, 32};
    return new CidrPrefix(a, lengths[random.nextInt(lengths.length)]);
  }
}
