package io.palisade.policy.validate;

/** Whether two field names differ by one edit: enough to suggest the name the author meant. */
final class EditDistance {

  private EditDistance() {}

  static boolean atMostOne(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 1) {
      return false;
    }
    int i = 0;
    int j = 0;
    boolean edited = false;
    while (i < a.length() && j < b.length()) {
      if (a.charAt(i) == b.charAt(j)) {
        i++;
        j++;
        continue;
      }
      if (edited) {
        return false;
      }
      edited = true;
      if (a.length() > b.length()) {
        i++;
      } else if (a.length() < b.length()) {
        j++;
      } else {
        i++;
        j++;
      }
    }
    return !edited || (i == a.length() && j == b.length());
  }
}
