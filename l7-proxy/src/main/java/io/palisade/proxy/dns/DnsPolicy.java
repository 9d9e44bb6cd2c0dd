package io.palisade.proxy.dns;

import java.net.InetSocketAddress;

/**
 * Whether a client may ask a server for a name: the node's {@code rules.dns} for the client's
 * endpoint and the server's identity. Called on the proxy's event loops for every query, so it must
 * not block; implementations are immutable or otherwise thread-safe.
 */
@FunctionalInterface
public interface DnsPolicy {

  /** The policy before the node's first config: every query is refused. */
  DnsPolicy REFUSE_ALL = (client, server, name) -> DnsVerdict.refused("no DNS rule applies yet");

  DnsVerdict decide(InetSocketAddress client, InetSocketAddress server, String name);
}
