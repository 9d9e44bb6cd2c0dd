package io.palisade.policy.selector;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.identity.Identity;
import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Selections are live views of the cache, whatever label a selector is indexed by. */
class SelectorCacheTest {

  private static Requirement is(String key, String value) {
    return new Requirement(
        Label.k8s(key, value), Requirement.Operator.IN, new TreeSet<>(List.of(value)));
  }

  private static Identity pod(long id, String namespace, String app) {
    return new Identity(
        id,
        Labels.of(
            Label.k8s("io.cilium.k8s.policy.cluster", "default"),
            Label.k8s("io.kubernetes.pod.namespace", namespace),
            Label.k8s("app", app)));
  }

  private static long[] sorted(Selection s) {
    long[] ids = s.toArray();
    Arrays.sort(ids);
    return ids;
  }

  @Test
  void selectorsRegisteredBeforeAnyIdentitySelectIdentitiesAddedLater() {
    SelectorCache cache = new SelectorCache();
    // Several selectors of one cluster and namespace, each requiring three labels: each is
    // indexed by one of them, and must still find every identity that has all three.
    Selection web =
        cache.register(
            LabelSelectorMatcher.of(
                List.of(
                    is("io.cilium.k8s.policy.cluster", "default"),
                    is("io.kubernetes.pod.namespace", "shop"),
                    is("app", "web"))));
    Selection db =
        cache.register(
            LabelSelectorMatcher.of(
                List.of(
                    is("io.cilium.k8s.policy.cluster", "default"),
                    is("io.kubernetes.pod.namespace", "shop"),
                    is("app", "db"))));
    Selection shop =
        cache.register(
            LabelSelectorMatcher.of(
                List.of(
                    is("io.cilium.k8s.policy.cluster", "default"),
                    is("io.kubernetes.pod.namespace", "shop"))));

    assertThat(cache.upsert(pod(300, "shop", "web"))).hasSize(2);
    cache.upsert(pod(301, "shop", "db"));
    cache.upsert(pod(302, "other", "web"));
    cache.upsert(pod(303, "shop", "web"));

    assertThat(sorted(web)).containsExactly(300, 303);
    assertThat(sorted(db)).containsExactly(301);
    assertThat(sorted(shop)).containsExactly(300, 301, 303);
    assertThat(web.contains(302)).isFalse();

    cache.upsert(pod(303, "shop", "db")); // Relabelled.
    cache.remove(300);
    assertThat(sorted(web)).isEmpty();
    assertThat(web.isEmpty()).isTrue();
    assertThat(sorted(db)).containsExactly(301, 303);
    assertThat(shop.size()).isEqualTo(2);
  }

  @Test
  void aSelectorRegisteredAfterTheIdentitiesStartsWithItsSelection() {
    SelectorCache cache = new SelectorCache();
    cache.upsert(pod(300, "shop", "web"));
    cache.upsert(pod(301, "shop", "db"));
    Selection web =
        cache.register(
            LabelSelectorMatcher.of(
                List.of(is("io.kubernetes.pod.namespace", "shop"), is("app", "web"))));
    assertThat(sorted(web)).containsExactly(300);
    long[] seen = new long[1];
    web.forEach(id -> seen[0] += id);
    assertThat(seen[0]).isEqualTo(300);
  }
}
