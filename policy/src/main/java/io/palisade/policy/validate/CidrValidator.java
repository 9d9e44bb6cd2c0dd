package io.palisade.policy.validate;

import io.palisade.crds.api.CIDRRule;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Netip;
import java.util.List;
import java.util.Optional;

/** Validates CIDR peers: {@code fromCIDR}/{@code toCIDR} strings and {@code *CIDRSet} rules. */
final class CidrValidator {

  private CidrValidator() {}

  static Optional<CidrPrefix> cidr(String text, String path, FieldErrors out) {
    try {
      return Optional.of(CidrPrefix.read(text));
    } catch (Netip.SyntaxException e) {
      out.add(path, Quote.of(text) + " is not a valid CIDR: " + e.getMessage());
      return Optional.empty();
    }
  }

  static void cidrs(List<String> cidrs, String path, FieldErrors out) {
    if (cidrs != null) {
      for (int i = 0; i < cidrs.size(); i++) {
        cidr(cidrs.get(i), path + "[" + i + "]", out);
      }
    }
  }

  static void cidrSets(List<CIDRRule> rules, String path, FieldErrors out) {
    if (rules == null) {
      return;
    }
    for (int i = 0; i < rules.size(); i++) {
      cidrRule(rules.get(i), path + "[" + i + "]", out);
    }
  }

  private static void cidrRule(CIDRRule r, String path, FieldErrors out) {
    if (r == null) {
      out.add(path, "one of cidr, cidrGroupRef, or cidrGroupSelector is required");
      return;
    }
    int given =
        (r.cidr() != null ? 1 : 0)
            + (r.cidrGroupRef() != null ? 1 : 0)
            + (r.cidrGroupSelector() != null ? 1 : 0);
    if (given == 0) {
      out.add(path, "one of cidr, cidrGroupRef, or cidrGroupSelector is required");
    } else if (given > 1) {
      out.add(path, "more than one of cidr, cidrGroupRef, or cidrGroupSelector may not be set");
    }
    if (r.cidrGroupSelector() != null) {
      SelectorValidator.validate(r.cidrGroupSelector(), path + ".cidrGroupSelector", out);
    }
    if (r.cidrGroupRef() != null && r.cidrGroupRef().isEmpty()) {
      out.add(path + ".cidrGroupRef", "must not be empty");
    }
    List<String> except = r.except() == null ? List.of() : r.except();
    if (r.cidr() == null) {
      if (!except.isEmpty()) {
        out.add(path + ".except", "applies only to cidr");
      }
      return;
    }
    Optional<CidrPrefix> allow = cidr(r.cidr(), path + ".cidr", out);
    for (int i = 0; i < except.size(); i++) {
      String at = path + ".except[" + i + "]";
      Optional<CidrPrefix> ex = cidr(except.get(i), at, out);
      if (allow.isPresent() && ex.isPresent() && !allow.get().contains(ex.get())) {
        out.add(
            at, Quote.of(except.get(i)) + " is not inside the allowed CIDR " + Quote.of(r.cidr()));
      }
    }
  }
}
