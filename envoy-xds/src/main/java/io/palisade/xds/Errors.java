package io.palisade.xds;

import java.util.ArrayList;
import java.util.List;

/** Every reason a node's L7 state cannot be served, each at its place, collected in one pass. */
final class Errors {

  private final List<String> messages = new ArrayList<>();

  void add(String path, String problem) {
    messages.add(path + ": " + problem);
  }

  List<String> messages() {
    return List.copyOf(messages);
  }

  void throwIfAny() {
    if (!messages.isEmpty()) {
      throw new L7TranslationException(messages);
    }
  }
}
