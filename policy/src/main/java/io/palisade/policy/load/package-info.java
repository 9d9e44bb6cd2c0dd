/**
 * Loading policy files and directories into a validated {@link io.palisade.policy.rules.PolicySet}.
 */
package io.palisade.policy.load;
