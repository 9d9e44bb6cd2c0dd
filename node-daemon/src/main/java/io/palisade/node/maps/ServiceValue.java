package io.palisade.node.maps;

/**
 * A value of {@code pal_services}: on a frontend's slot 0 the number of its backends, on slots 1 to
 * that number the id of one backend in {@code pal_backends}.
 */
public record ServiceValue(int backendId, int count) {

  public static ServiceValue frontend(int count) {
    return new ServiceValue(0, count);
  }

  public static ServiceValue slot(int backendId) {
    return new ServiceValue(backendId, 0);
  }
}
