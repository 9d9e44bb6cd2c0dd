/** The Palisade operator: policies, pods and identities in; node state and policy status out. */
package io.palisade.operator;
