package io.palisade.policy.validate;

import java.util.regex.Pattern;

/**
 * The syntax Kubernetes' API server enforces on names: object names, label keys and values, and
 * container port names.
 */
public final class KubernetesNames {

  private static final Pattern LABEL_NAME =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

  public static final String LABEL_KEY_RULE =
      "an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' or '.'";
  public static final String LABEL_VALUE_RULE =
      "at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric";
  public static final String PORT_NAME_RULE =
      "at most 15 lowercase letters, digits and '-', with a letter and no '--'";
  public static final String OBJECT_NAME_RULE =
      "a DNS subdomain: at most 253 lowercase letters, digits, '-' and '.'";

  private KubernetesNames() {}

  /** {@code app}, {@code app.kubernetes.io/name}: a qualified name. */
  public static boolean isLabelKey(String key) {
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0 && !isDnsSubdomain(key.substring(0, slash))) {
      return false;
    }
    return name.length() <= 63 && LABEL_NAME.matcher(name).matches();
  }

  public static boolean isLabelValue(String value) {
    return value.isEmpty() || (value.length() <= 63 && LABEL_NAME.matcher(value).matches());
  }

  /** A namespace name: one DNS label of at most 63 characters. */
  public static boolean isDnsLabel(String name) {
    return name.length() <= 63 && DNS_LABEL.matcher(name).matches();
  }

  public static boolean isDnsSubdomain(String name) {
    return name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
  }

  /** An IANA service name, as container ports are named. */
  public static boolean isPortName(String name) {
    return name.length() <= 15
        && PORT_NAME.matcher(name).matches()
        && !name.contains("--")
        && name.chars().anyMatch(Character::isLetter);
  }
}
