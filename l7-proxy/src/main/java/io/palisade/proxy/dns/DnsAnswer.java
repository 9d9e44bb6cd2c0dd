package io.palisade.proxy.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The addresses an upstream answer gives a client: each A or AAAA record under its own name, and
 * again under the question's name when a CNAME chain led there, as Cilium's DNS proxy associates
 * them (so {@code toFQDNs: [{matchName: www.example.com}]} selects the CNAME target's addresses).
 */
public record DnsAnswer(InetSocketAddress client, String question, List<Address> addresses) {

  public DnsAnswer {
    addresses = List.copyOf(addresses);
  }

  /** One address under one name, with the record's TTL in seconds. */
  public record Address(String name, InetAddress address, long ttlSeconds) {}
}
