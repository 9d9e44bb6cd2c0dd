package io.palisade.proxy;

import java.util.List;

/**
 * A config the proxy refuses, with every problem found, each naming the resource and field: the
 * last good config stays in force.
 */
public final class ProxyConfigException extends RuntimeException {

  private final List<String> problems;

  public ProxyConfigException(List<String> problems) {
    super("config refused, the last good config stays in force: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
