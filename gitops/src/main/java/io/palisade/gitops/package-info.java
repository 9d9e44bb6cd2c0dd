/**
 * Policies from Git, without Kubernetes: a {@link io.palisade.gitops.GitSource} is fetched into a
 * shared {@link io.palisade.gitops.RepositoryCache}, its commit or tag checked by {@link
 * io.palisade.gitops.SignatureVerifier}, its manifests read and validated as one revision by {@link
 * io.palisade.gitops.RevisionReader}; {@link io.palisade.gitops.PrunePlan} decides what may be
 * deleted afterwards and {@link io.palisade.gitops.WebhookVerifier} checks push notifications. The
 * operator's PolicySource reconciler and standalone mode both drive it through {@link
 * io.palisade.gitops.SourceSync}.
 */
package io.palisade.gitops;
