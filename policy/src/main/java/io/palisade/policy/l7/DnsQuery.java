package io.palisade.policy.l7;

import io.palisade.policy.mapstate.L7Parser;
import java.util.Locale;

/** A DNS question for one name. */
public record DnsQuery(String name) implements L7Request {

  /** The name as DNS rules compare it: lower case, fully qualified (with the trailing dot). */
  public String canonicalName() {
    return canonical(name);
  }

  static String canonical(String name) {
    String lower = name.trim().toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower : lower + ".";
  }

  @Override
  public L7Parser parser() {
    return L7Parser.DNS;
  }

  @Override
  public String describe() {
    return "query " + name;
  }
}
