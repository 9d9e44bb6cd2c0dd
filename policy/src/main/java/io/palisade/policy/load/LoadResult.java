package io.palisade.policy.load;

import io.palisade.policy.rules.PolicySet;
import java.util.List;

/**
 * What loading found: the valid policies, every error of the invalid ones, and how many policy
 * documents were read. An invalid document contributes no rules at all.
 */
public record LoadResult(PolicySet policySet, List<DocumentError> errors, int policyDocuments) {

  public LoadResult {
    errors = List.copyOf(errors);
  }

  public boolean valid() {
    return errors.isEmpty();
  }
}
