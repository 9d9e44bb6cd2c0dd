package io.palisade.policy.labels;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides which labels carry security meaning and so take part in identity: Cilium's default
 * prefixes, where a label is kept unless an ignore prefix matches it and no longer include prefix
 * does.
 */
public final class LabelFilter {

  private static final List<String> INCLUDE =
      List.of(
          "reserved:.*",
          "io\\.kubernetes\\.pod\\.namespace",
          "io\\.cilium\\.k8s\\.namespace\\.labels",
          "app\\.kubernetes\\.io",
          "io\\.cilium\\.k8s\\.policy\\.cluster",
          "io\\.cilium\\.k8s\\.policy\\.serviceaccount");

  private static final List<String> IGNORE =
      List.of(
          "io\\.kubernetes",
          "kubernetes\\.io",
          "statefulset\\.kubernetes\\.io/pod-name",
          "apps\\.kubernetes\\.io/pod-index",
          "batch\\.kubernetes\\.io/job-completion-index",
          "batch\\.kubernetes\\.io/controller-uid",
          ".*beta\\.kubernetes\\.io",
          "k8s\\.io",
          "pod-template-generation",
          "pod-template-hash",
          "controller-revision-hash",
          "controller-uid",
          "annotation.*",
          "etcd_node",
          "topology\\.kubernetes\\.io");

  private static final LabelFilter DEFAULT = new LabelFilter(INCLUDE, IGNORE);

  private record Prefix(String source, Pattern pattern, int length) {
    boolean matches(Label l) {
      return (source == null || source.equals(l.source())) && pattern.matcher(l.key()).lookingAt();
    }
  }

  private final List<Prefix> include;
  private final List<Prefix> ignore;

  private LabelFilter(List<String> include, List<String> ignore) {
    this.include = include.stream().map(LabelFilter::prefix).toList();
    this.ignore = ignore.stream().map(LabelFilter::prefix).toList();
  }

  public static LabelFilter defaults() {
    return DEFAULT;
  }

  private static Prefix prefix(String spec) {
    int colon = spec.indexOf(':');
    String source = colon > 0 ? spec.substring(0, colon) : null;
    String regex = colon > 0 ? spec.substring(colon + 1) : spec;
    return new Prefix(source, Pattern.compile(regex), spec.length());
  }

  /** Whether {@code label} is identity-relevant. */
  public boolean keeps(Label label) {
    int longestInclude = -1;
    for (Prefix p : include) {
      if (p.matches(label)) {
        longestInclude = Math.max(longestInclude, p.length());
      }
    }
    int shortestIgnore = Integer.MAX_VALUE;
    for (Prefix p : ignore) {
      if (p.matches(label)) {
        shortestIgnore = Math.min(shortestIgnore, p.length());
      }
    }
    if (shortestIgnore == Integer.MAX_VALUE) {
      return true;
    }
    return longestInclude > shortestIgnore;
  }

  /** The identity-relevant subset of {@code labels}. */
  public List<Label> filter(Collection<Label> labels) {
    List<Label> kept = new ArrayList<>();
    for (Label l : labels) {
      if (keeps(l)) {
        kept.add(l);
      }
    }
    return kept;
  }
}
