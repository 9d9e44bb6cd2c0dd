package io.palisade.benchmarks.services;

import java.util.ArrayList;
import java.util.List;

/** One benchmark Service: a ClusterIP and port, and the pod addresses behind it. */
record ServiceShape(String clusterIp, int port, int targetPort, List<String> backends) {

  /** {@code n} Services with three backends each, every address distinct. */
  static List<ServiceShape> generate(int n) {
    List<ServiceShape> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> backends = new ArrayList<>();
      for (int b = 0; b < 3; b++) {
        int a = i * 3 + b + 1;
        backends.add("10.200." + (a >>> 8) + "." + (a & 0xFF));
      }
      int c = i + 1;
      out.add(new ServiceShape("10.96." + (c >>> 8) + "." + (c & 0xFF), 53, 5353, backends));
    }
    return out;
  }
}
