package io.palisade.xds;

import java.util.ArrayList;
import java.util.List;

/** Every reason a node's L7 state cannot be served, each at its place, collected in one pass. */
final class Errors {

  private final List<String> messages = new ArrayList<>();

  void add(String path, String problem) {
    messages.add(path + ": " + problem);
  }

  /** A message already naming its place (from another {@link Errors}). */
  void addMessage(String message) {
    messages.add(message);
  }

  int count() {
    return messages.size();
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
