/**
 * Policies of every kind (CNP, CCNP, Kubernetes NetworkPolicy) rewritten into one internal form: a
 * subject, default-deny flags, and sections of peers times ports, with Cilium's namespace and
 * cluster injection already applied.
 */
package io.palisade.policy.rules;
