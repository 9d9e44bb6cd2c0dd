package io.palisade.policy.validate;

import io.palisade.crds.api.FQDNSelector;
import io.palisade.crds.api.HeaderMatch;
import io.palisade.crds.api.L7Rules;
import io.palisade.crds.api.PortProtocol;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.crds.api.PortRuleKafka;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.l7.KafkaApiKeys;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Validates the L7 rules of a port rule: HTTP, Kafka and DNS, as Cilium's Sanitize does. */
final class L7Validator {

  private static final Set<String> HEADER_ACTIONS = Set.of("LOG", "ADD", "DELETE", "REPLACE");
  private static final Set<String> KAFKA_ROLES = Set.of("produce", "consume");

  private static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final Pattern DNS_NAME = Pattern.compile("([-a-zA-Z0-9_]+[.]?)+");
  private static final Pattern DNS_PATTERN = Pattern.compile("([-a-zA-Z0-9_*]+[.]?)+");

  private L7Validator() {}

  static boolean hasRules(L7Rules r) {
    return r != null
        && (Each.nonEmpty(r.http()) || Each.nonEmpty(r.kafka()) || Each.nonEmpty(r.dns()));
  }

  static void rules(
      L7Rules r, List<PortProtocol> ports, Direction direction, String path, FieldErrors out) {
    int kinds =
        (Each.nonEmpty(r.http()) ? 1 : 0)
            + (Each.nonEmpty(r.kafka()) ? 1 : 0)
            + (Each.nonEmpty(r.dns()) ? 1 : 0);
    if (kinds > 1) {
      out.add(path, "multiple L7 protocol rule types specified in single rule");
    }
    boolean dns = Each.nonEmpty(r.dns());
    if (dns && direction == Direction.INGRESS) {
      out.add(path + ".dns", "L7 protocol DNS is not supported on ingress");
    }
    if (dns && ports.isEmpty()) {
      out.add(path + ".dns", "port 53 must be specified for DNS rules");
    }
    if (kinds > 0) {
      portsFitL7(ports, dns, path, out);
    }
    Each.forEach(r.http(), path + ".http", L7Validator::http, out);
    Each.forEach(r.kafka(), path + ".kafka", L7Validator::kafka, out);
    Each.forEach(r.dns(), path + ".dns", (s, p, o) -> fqdn(s, p, false, o), out);
  }

  /** L7 rules need a concrete port and a protocol the proxy parses. */
  private static void portsFitL7(
      List<PortProtocol> ports, boolean dns, String path, FieldErrors out) {
    for (PortProtocol pp : ports) {
      if (pp == null || pp.port() == null) {
        continue;
      }
      Protocol proto = PortValidator.protocol(pp).orElse(Protocol.ANY);
      if (!dns && proto != Protocol.TCP && proto != Protocol.ANY) {
        out.add(path, "L7 rules can only apply to TCP (not " + proto + ") except for DNS rules");
      }
      if ("0".equals(pp.port())) {
        out.add(path, "L7 rules can not be used when a port is 0");
      }
      Integer n = PortValidator.number(pp.port());
      if (dns && n != null && pp.endPort() != null && pp.endPort() > n) {
        out.add(path, "DNS rules do not support port ranges");
      }
    }
  }

  private static void http(PortRuleHTTP h, String path, FieldErrors out) {
    regex(h.path(), path + ".path", out);
    regex(h.method(), path + ".method", out);
    regex(h.host(), path + ".host", out);
    Each.forEach(h.headerMatches(), path + ".headerMatches", L7Validator::headerMatch, out);
  }

  private static void headerMatch(HeaderMatch m, String path, FieldErrors out) {
    if (m.name() == null || m.name().isEmpty()) {
      out.add(path + ".name", "header name missing");
    }
    if (m.mismatch() != null && !m.mismatch().isEmpty() && !HEADER_ACTIONS.contains(m.mismatch())) {
      out.add(
          path + ".mismatch",
          Quote.of(m.mismatch()) + " is not a header action (LOG, ADD, DELETE, REPLACE)");
    }
    if (m.secret() != null && (m.secret().name() == null || m.secret().name().isEmpty())) {
      out.add(path + ".secret.name", "secret name missing");
    }
  }

  private static void kafka(PortRuleKafka k, String path, FieldErrors out) {
    boolean role = k.role() != null && !k.role().isEmpty();
    boolean apiKey = k.apiKey() != null && !k.apiKey().isEmpty();
    if (role && apiKey) {
      out.add(
          path,
          "cannot set both role " + Quote.of(k.role()) + " and apiKey " + Quote.of(k.apiKey()));
    }
    if (role && !KAFKA_ROLES.contains(k.role().toLowerCase(Locale.ROOT))) {
      out.add(path + ".role", Quote.of(k.role()) + " is not a Kafka role (produce, consume)");
    }
    if (apiKey && !KafkaApiKeys.names().contains(k.apiKey().toLowerCase(Locale.ROOT))) {
      out.add(path + ".apiKey", Quote.of(k.apiKey()) + " is not a Kafka API key");
    }
    if (k.apiVersion() != null && !k.apiVersion().isEmpty()) {
      if (!k.apiVersion().matches("[0-9]{1,5}")
          || Integer.parseInt(k.apiVersion()) > Short.MAX_VALUE) {
        out.add(path + ".apiVersion", Quote.of(k.apiVersion()) + " is not a Kafka API version");
      }
    }
    if (k.topic() != null && !k.topic().isEmpty()) {
      if (k.topic().length() > 255) {
        out.add(path + ".topic", "kafka topic exceeds maximum len of 255");
      } else if (!KAFKA_TOPIC.matcher(k.topic()).matches()) {
        out.add(path + ".topic", Quote.of(k.topic()) + " is not a valid Kafka topic name");
      }
    }
  }

  /** A {@code toFQDNs} or DNS rule selector; {@code underscore} allows '_' in matchName. */
  static void fqdn(FQDNSelector s, String path, boolean underscore, FieldErrors out) {
    boolean name = s.matchName() != null && !s.matchName().isEmpty();
    boolean pattern = s.matchPattern() != null && !s.matchPattern().isEmpty();
    if (name && pattern) {
      out.add(path, "only one of matchName or matchPattern is allowed");
    } else if (!name && !pattern) {
      out.add(path, "one of matchName or matchPattern is required");
    }
    if (name) {
      String n = s.matchName();
      if (n.length() > 255) {
        out.add(path + ".matchName", Quote.of(n) + " must be at most 255 characters long");
      } else if (!DNS_NAME.matcher(n).matches() || (!underscore && n.contains("_"))) {
        out.add(
            path + ".matchName",
            Quote.of(n)
                + " has invalid characters: only 0-9, a-z, A-Z, '.', '-'"
                + (underscore ? " and '_'" : "")
                + " are allowed");
      }
    }
    if (pattern) {
      String p = s.matchPattern();
      if (p.length() > 255) {
        out.add(path + ".matchPattern", Quote.of(p) + " must be at most 255 characters long");
      } else if (!DNS_PATTERN.matcher(p).matches()) {
        out.add(
            path + ".matchPattern",
            Quote.of(p)
                + " has invalid characters: only 0-9, a-z, A-Z, '.', '-', '_' and '*' are allowed");
      }
    }
  }

  /**
   * Checked as RE2, the syntax of Go's regexp (which Cilium validates with) and of Envoy's
   * safe_regex (which enforces it): Java's own syntax would accept backreferences and lookaround
   * that Envoy refuses.
   */
  private static void regex(String re, String path, FieldErrors out) {
    if (re == null) {
      return;
    }
    try {
      com.google.re2j.Pattern.compile(re);
    } catch (com.google.re2j.PatternSyntaxException e) {
      out.add(path, Quote.of(re) + " is not a valid RE2 regular expression: " + e.getDescription());
    }
  }
}
