package io.palisade.proxy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * What RBAC sees of one request: its headers by lower-case name (pseudo-headers {@code :method},
 * {@code :path}, {@code :authority} included, repeated values in arrival order) and the
 * connection's endpoints, the destination being the original one.
 */
public record RequestFacts(
    Map<String, List<String>> headers,
    InetAddress source,
    InetAddress destination,
    int destinationPort) {

  public RequestFacts {
    headers = Map.copyOf(headers);
  }

  /** The header's value as Envoy's matchers see it: repeated values joined by commas. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    if (values == null || values.isEmpty()) {
      return null;
    }
    return values.size() == 1 ? values.getFirst() : String.join(",", values);
  }
}
