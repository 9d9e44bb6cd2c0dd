package io.palisade.node.harness;

import java.util.Map;

/** A test pod: its Kubernetes namespace, name, labels and single address. */
public record PodSpec(String namespace, String name, Map<String, String> labels, String ip) {

  public String qualifiedName() {
    return namespace + "/" + name;
  }

  public boolean ipv6() {
    return ip.contains(":");
  }
}
