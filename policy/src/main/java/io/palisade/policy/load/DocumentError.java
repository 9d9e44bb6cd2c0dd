package io.palisade.policy.load;

import io.palisade.policy.parse.FieldError;

/**
 * A problem in one document of one file, printed as {@code FILE: KIND NAMESPACE/NAME: PATH:
 * MESSAGE}.
 */
public record DocumentError(
    String file, String kind, String namespace, String name, FieldError error) {

  public String format() {
    String object = namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    StringBuilder sb = new StringBuilder(file).append(": ");
    if (kind != null && !kind.isEmpty()) {
      sb.append(kind)
          .append(' ')
          .append(object == null || object.isEmpty() ? "-" : object)
          .append(": ");
    }
    return sb.append(error).toString();
  }
}
