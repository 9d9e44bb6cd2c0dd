/**
 * Cilium's policy language as Java records: the {@code cilium.io/v2} rule and everything it holds.
 * An absent list ({@code null}), an empty list and a list holding an empty object mean different
 * things in Cilium, so lists are never defaulted.
 */
package io.palisade.crds.api;
