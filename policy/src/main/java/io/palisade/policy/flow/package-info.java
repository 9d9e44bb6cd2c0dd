/** Flows between endpoints of a cluster and the verdict policies give them, from both sides. */
package io.palisade.policy.flow;
