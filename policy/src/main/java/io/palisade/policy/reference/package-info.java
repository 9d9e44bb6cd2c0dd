/**
 * A deliberately naive evaluator that follows the policy semantics directly, rule by rule, with no
 * MapState: the oracle the engine is tested against, and what {@code trace} explains.
 */
package io.palisade.policy.reference;
