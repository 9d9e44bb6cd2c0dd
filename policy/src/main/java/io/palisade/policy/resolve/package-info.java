/**
 * Resolution: rules and identities into the MapState of each subject identity, kept up to date
 * incrementally.
 */
package io.palisade.policy.resolve;
