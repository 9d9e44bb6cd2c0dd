package io.palisade.proxy.dns;

/** A query's verdict, with the rule that admitted it or the reason it was refused. */
public record DnsVerdict(boolean allowed, String reason) {

  public static DnsVerdict allowed(String rule) {
    return new DnsVerdict(true, rule);
  }

  public static DnsVerdict refused(String reason) {
    return new DnsVerdict(false, reason);
  }
}
