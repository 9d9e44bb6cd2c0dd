package io.palisade.proxy;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem of a config, each with its field path, before refusing it once. */
final class Problems {

  private final List<String> all = new ArrayList<>();

  void add(String path, String problem) {
    all.add(path + ": " + problem);
  }

  void throwIfAny() {
    if (!all.isEmpty()) {
      throw new ProxyConfigException(all);
    }
  }
}
