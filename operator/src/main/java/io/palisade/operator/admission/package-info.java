/**
 * The validating admission webhook: AdmissionReview v1 for the policy kinds and PolicySource,
 * answered with the validation {@code palisade validate} and the PolicySource reconciler use.
 */
package io.palisade.operator.admission;
