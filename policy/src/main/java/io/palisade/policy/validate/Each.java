package io.palisade.policy.validate;

import java.util.List;

/** Runs a check on every element of an optional list, with the element's index in its path. */
final class Each {

  private Each() {}

  interface ItemCheck<T> {
    void check(T item, String path, FieldErrors out);
  }

  static <T> void forEach(List<T> list, String path, ItemCheck<T> check, FieldErrors out) {
    if (list == null) {
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      T item = list.get(i);
      if (item != null) {
        check.check(item, path + "[" + i + "]", out);
      }
    }
  }

  static boolean nonEmpty(List<?> list) {
    return list != null && !list.isEmpty();
  }
}
