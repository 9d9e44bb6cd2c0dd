package io.palisade.policy.l7;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kafka API keys: the names Cilium's {@code APIKeyMap} gives them with their numbers on the wire,
 * the roles that stand for sets of them, and which requests carry topics (Cilium's proxylib {@code
 * isTopicAPIKey}).
 */
public final class KafkaApiKeys {

  private static final Map<String, Integer> BY_NAME = new LinkedHashMap<>();

  static {
    String[] names = {
      "produce",
      "fetch",
      "offsets",
      "metadata",
      "leaderandisr",
      "stopreplica",
      "updatemetadata",
      null,
      "offsetcommit",
      "offsetfetch",
      "findcoordinator",
      "joingroup",
      "heartbeat",
      "leavegroup",
      "syncgroup",
      "describegroups",
      "listgroups",
      "saslhandshake",
      "apiversions",
      "createtopics",
      "deletetopics",
      "deleterecords",
      "initproducerid",
      "offsetforleaderepoch",
      "addpartitionstotxn",
      "addoffsetstotxn",
      "endtxn",
      "writetxnmarkers",
      "txnoffsetcommit",
      "describeacls",
      "createacls",
      "deleteacls",
      "describeconfigs",
      "alterconfigs",
      "alterreplicalogdirs"
    };
    for (int key = 0; key < names.length; key++) {
      if (names[key] != null) {
        BY_NAME.put(names[key], key);
      }
    }
  }

  /** {@code role: produce}: Produce, Metadata, ApiVersions. */
  private static final Set<Integer> PRODUCE = Set.of(0, 3, 18);

  /** {@code role: consume}: Fetch, Offsets, Metadata, the group and offset calls, ApiVersions. */
  private static final Set<Integer> CONSUME = Set.of(1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 18);

  /** Requests that name topics; a rule's topic constrains only these. */
  private static final Set<Integer> WITH_TOPICS =
      Set.of(0, 1, 2, 3, 4, 5, 6, 8, 9, 19, 20, 21, 23, 24, 27, 28, 34, 35, 37);

  private KafkaApiKeys() {}

  /** Every name a rule's {@code apiKey} may take, in key order. */
  public static Set<String> names() {
    return Collections.unmodifiableSet(BY_NAME.keySet());
  }

  /** The key a name stands for (case-insensitive), or a number given as such. */
  public static Optional<Integer> parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.matches("[0-9]{1,5}")) {
      int n = Integer.parseInt(t);
      return n <= Short.MAX_VALUE ? Optional.of(n) : Optional.empty();
    }
    return Optional.ofNullable(BY_NAME.get(t));
  }

  /** The name of a key ({@code produce}), or its number when it has no name here. */
  public static String name(int key) {
    for (Map.Entry<String, Integer> e : BY_NAME.entrySet()) {
      if (e.getValue() == key) {
        return e.getKey();
      }
    }
    return "apiKey " + key;
  }

  /** The keys a role stands for, as Cilium's {@code GetAPIKeys} expands it. */
  public static Optional<Set<Integer>> role(String role) {
    return switch (role.toLowerCase(Locale.ROOT)) {
      case "produce" -> Optional.of(PRODUCE);
      case "consume" -> Optional.of(CONSUME);
      default -> Optional.empty();
    };
  }

  public static boolean carriesTopics(int key) {
    return WITH_TOPICS.contains(key);
  }
}
