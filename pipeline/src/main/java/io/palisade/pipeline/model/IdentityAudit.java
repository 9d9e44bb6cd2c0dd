package io.palisade.pipeline.model;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.resolve.AuditView;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The audit-mode part of an identity's policy as a node holds it: an immutable snapshot of the
 * engine's {@link AuditView}. {@code entries} is the MapState of every rule selecting the identity,
 * audit-mode ones enforced; the datapath reports a flow {@code AUDIT} when the enforced entries
 * allow it and these would drop it, naming {@code policies} (no rule allows it) or {@code denies}
 * (a deny of an audit-mode policy matches).
 */
public record IdentityAudit(
    Set<Direction> directions,
    Map<MapStateKey, MapStateEntry> entries,
    Map<Direction, List<String>> policies,
    Map<Direction, List<String>> denies) {

  public IdentityAudit {
    directions = Set.copyOf(directions);
    entries = MapState.immutable(entries);
    policies = copy(policies);
    denies = copy(denies);
  }

  private static Map<Direction, List<String>> copy(Map<Direction, List<String>> m) {
    return Map.copyOf(
        m.entrySet().stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    Map.Entry::getKey, e -> List.copyOf(e.getValue()))));
  }

  public static IdentityAudit of(AuditView view) {
    return new IdentityAudit(
        view.directions(), view.mapState().snapshotEntries(), view.policies(), view.denies());
  }

  /** Whether audit-mode policies select the identity in {@code direction}. */
  public boolean audits(Direction direction) {
    return directions.contains(direction);
  }

  /** The policies an {@code AUDIT} report names: those with denies for a deny, all otherwise. */
  public List<String> named(Direction direction, boolean deny) {
    return (deny ? denies : policies).getOrDefault(direction, List.of());
  }

  /** The entries as a MapState, to look a packet up the way the datapath does. */
  public MapState mapState() {
    MapState state = new MapState();
    entries.forEach(state::insert);
    return state;
  }

  /** The engine's view of these entries, to decide a flow as the datapath does. */
  public AuditView view() {
    return new AuditView(directions, mapState(), policies, denies);
  }
}
