package io.palisade.policy.validate;

/**
 * Quotes an offending value for an error message. Long values are cut, so that a 50 MB string in a
 * document gives a readable line and not a 50 MB one.
 */
public final class Quote {

  private static final int MAX = 80;

  private Quote() {}

  public static String of(String value) {
    if (value == null) {
      return "null";
    }
    String shown = value.length() > MAX ? value.substring(0, MAX) + "..." : value;
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
