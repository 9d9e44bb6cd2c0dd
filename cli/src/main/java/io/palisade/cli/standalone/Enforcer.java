package io.palisade.cli.standalone;

import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.identity.IdentityAllocator;

/** Where a resolved generation goes: nowhere (resolution only) or into this node's datapath. */
interface Enforcer extends AutoCloseable {

  /**
   * Puts {@code policy} in force and says where, for status ("enforced on 1/1 nodes"); a failure
   * leaves what was in force in place and throws.
   */
  String enforce(ClusterPolicy policy, IdentityAllocator allocator) throws Exception;

  /** The reason status gives once a generation is in force. */
  String reason();

  @Override
  default void close() {}

  /** Resolution without a datapath. */
  Enforcer NONE =
      new Enforcer() {
        @Override
        public String enforce(ClusterPolicy policy, IdentityAllocator allocator) {
          return "resolved into MapState (not enforced: run with --enforce)";
        }

        @Override
        public String reason() {
          return "Resolved";
        }
      };
}
