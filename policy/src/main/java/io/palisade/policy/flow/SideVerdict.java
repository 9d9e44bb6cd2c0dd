package io.palisade.policy.flow;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapStateMatch;
import io.palisade.policy.mapstate.Verdict;
import java.util.Optional;

/**
 * What the datapath decides on one side of a flow: the entry its lookup chose, or none (dropped),
 * or no lookup at all because the endpoint is not local.
 */
public record SideVerdict(
    Direction direction, Verdict verdict, boolean enforced, Optional<MapStateMatch> match) {}
