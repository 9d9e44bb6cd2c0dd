package io.palisade.policy.labels;

/**
 * A label with its source: {@code k8s:app=web}, {@code reserved:host}, {@code cidr:10.0.0.0/8}.
 * Selectors use the source {@code any} to match a key from every source.
 */
public record Label(String source, String key, String value) implements Comparable<Label> {

  public static final String ANY = "any";
  public static final String K8S = "k8s";
  public static final String RESERVED = "reserved";
  public static final String CIDR = "cidr";

  /**
   * Membership of a pod's address in a Kubernetes NetworkPolicy ipBlock ({@code
   * ipblock:10.0.0.0/16}). Palisade derives these labels itself; users cannot select them, not even
   * through {@code any:}, so they split identities without changing what user selectors select.
   */
  public static final String IPBLOCK = "ipblock";

  public static final String UNSPEC = "unspec";

  public Label {
    value = value == null ? "" : value;
  }

  public static Label k8s(String key, String value) {
    return new Label(K8S, key, value);
  }

  public static Label reserved(String key) {
    return new Label(RESERVED, key, "");
  }

  /**
   * Splits a selector key into source and key: {@code k8s:app} keeps its source, a bare key gets
   * {@code any}, and a leading {@code $} stands for {@code reserved:}.
   */
  public static Label ofSelectorKey(String sourceKey, String value) {
    if (sourceKey.startsWith("$")) {
      return new Label(RESERVED, sourceKey.substring(1), value);
    }
    int colon = sourceKey.indexOf(':');
    // A colon after a slash belongs to the key (IPv6 in cidr labels is written with '-').
    int slash = sourceKey.indexOf('/');
    if (colon > 0 && (slash < 0 || colon < slash)) {
      return new Label(sourceKey.substring(0, colon), sourceKey.substring(colon + 1), value);
    }
    return new Label(ANY, sourceKey, value);
  }

  /**
   * Whether this label, used in a selector, accepts {@code other}'s source and key. {@code any}
   * accepts every source but {@code ipblock}, which only Palisade's own ipBlock selectors name.
   */
  public boolean sourceAndKeyMatch(Label other) {
    return key.equals(other.key)
        && (source.equals(other.source) || (source.equals(ANY) && !other.source.equals(IPBLOCK)));
  }

  /** {@code source:key}, the form identities keep in {@code security-labels}. */
  public String sourceKey() {
    return source + ":" + key;
  }

  @Override
  public int compareTo(Label o) {
    int c = key.compareTo(o.key);
    if (c == 0) {
      c = source.compareTo(o.source);
    }
    return c == 0 ? value.compareTo(o.value) : c;
  }

  @Override
  public String toString() {
    return value.isEmpty() ? sourceKey() : sourceKey() + "=" + value;
  }
}
