package io.palisade.policy.load;

import io.palisade.policy.rules.PolicySet;
import io.palisade.policy.validate.ValidatedDocument;
import java.util.List;

/**
 * What loading found: the policy set of the valid documents, every error (of documents and of files
 * that could not be read), and every policy document read, valid or not.
 */
public record LoadResult(
    PolicySet policySet, List<DocumentError> errors, List<ValidatedDocument> documents) {

  public LoadResult {
    errors = List.copyOf(errors);
    documents = List.copyOf(documents);
  }

  public boolean valid() {
    return errors.isEmpty();
  }

  public int policyDocuments() {
    return documents.size();
  }
}
