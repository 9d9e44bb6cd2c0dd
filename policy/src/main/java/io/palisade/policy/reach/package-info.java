/**
 * Who may reach whom: the pod x pod x port cells of a cluster policy, and how the cells change from
 * one set of policies to another (widened, narrowed) with the rule responsible for each change.
 */
package io.palisade.policy.reach;
