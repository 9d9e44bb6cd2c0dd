package io.palisade.policy.parse;

/**
 * One problem in a document: where it is ({@code spec.egress[1].toCIDRSet[0].cidr}) and what is
 * wrong, naming the offending value.
 */
public record FieldError(String path, String message) {

  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
