/**
 * The {@code palisade.io/v1alpha1} custom resources Palisade defines itself: {@link PolicySource},
 * a Git repository whose policies the operator applies.
 */
package io.palisade.crds.palisade;
