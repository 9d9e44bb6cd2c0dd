package io.palisade.policy.resolve;

import com.carrotsearch.hppc.LongHashSet;
import com.carrotsearch.hppc.LongObjectHashMap;
import com.carrotsearch.hppc.cursors.LongCursor;
import com.carrotsearch.hppc.cursors.ObjectCursor;
import io.palisade.policy.Direction;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.identity.ReservedIdentity;
import io.palisade.policy.labels.Label;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.RuleSection;
import io.palisade.policy.selector.IdentitySelector;
import io.palisade.policy.selector.LabelSelectorMatcher;
import io.palisade.policy.selector.Selection;
import io.palisade.policy.selector.SelectorCache;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Resolves a changing set of rules over a changing set of identities into the MapState of each
 * subject identity. Policies are computed on first request and then kept current: a new peer
 * identity rebuilds only its own (direction, identity) group in the subjects whose rules have a
 * selector that selects it, and a changed rule recomputes only the subjects it selects.
 */
public final class PolicyEngine {

  // One array for every loop over both directions: values() copies its array on each call.
  private static final Direction[] DIRECTIONS = Direction.values();

  /** The rules in the order they came, each numbered once: a rule keeps its place for good. */
  private final TreeMap<Integer, PolicyRule> rules = new TreeMap<>();

  private int nextRuleIndex;
  private final SelectorCache cache = new SelectorCache();
  private final Map<IdentitySelector, List<RuleSection>> sectionsBySelector = new HashMap<>();
  // Primitive keys: looked up for every (subject, peer) of a section with named ports.
  // Lists, each of distinct ports: walked by index for every (subject, peer) of such a section.
  private final LongObjectHashMap<List<NamedPort>> namedPorts = new LongObjectHashMap<>();
  private final Map<Long, SubjectRules> subjects = new HashMap<>();
  private final Map<Long, EndpointPolicy> policies = new HashMap<>();

  // Rules and sections are compared by identity: they are the engine's own objects, and hashing
  // a whole rule record on every identity change was most of the cost of an update.
  private final Map<PolicyRule, Integer> ruleIndex = new IdentityHashMap<>();
  private final Map<RuleSection, PolicyRule> ruleBySection = new IdentityHashMap<>();

  /** Each section's peer selections: live views into the selector cache, looked up once. */
  private final Map<RuleSection, List<Selection>> peerSelections = new IdentityHashMap<>();

  /** Each section's entries for any peer it selects, worked out once. */
  private final Map<RuleSection, SectionPorts> sectionPorts = new IdentityHashMap<>();

  private final Map<IdentitySelector, List<PolicyRule>> rulesBySubject = new HashMap<>();

  /**
   * For each rule, the subjects with a computed policy that the rule selects: a few each, so
   * primitive sets (a boxed Long, a node and a table per rule weighed more than the subjects).
   */
  private final Map<PolicyRule, LongHashSet> subjectsByRule = new IdentityHashMap<>();

  private static final LongHashSet NO_SUBJECTS = new LongHashSet(0);

  private final Set<Long> namedPortPeerSubjects = new HashSet<>();
  private final Set<Long> anyPeerNamedPortSubjects = new HashSet<>();

  private final HostTraffic hostTraffic;

  /** Every identity of the local node (labelled {@code reserved:host}): a live selection. */
  private final IdentitySelector hostSelector =
      LabelSelectorMatcher.matchingLabel(Label.reserved(ReservedIdentity.HOST.labelName()));

  private final Selection hosts;

  /**
   * An engine of the rules alone: the host is a peer like any other ({@link HostTraffic#POLICY}).
   */
  public PolicyEngine(List<PolicyRule> rules) {
    this(rules, HostTraffic.POLICY);
  }

  public PolicyEngine(List<PolicyRule> rules, HostTraffic hostTraffic) {
    this.hostTraffic = hostTraffic;
    this.hosts = cache.register(hostSelector);
    rules.forEach(this::index);
  }

  public HostTraffic hostTraffic() {
    return hostTraffic;
  }

  /** The rules in force, in the order they were added. */
  public List<PolicyRule> rules() {
    return List.copyOf(rules.values());
  }

  private void index(PolicyRule rule) {
    if (ruleIndex.containsKey(rule)) {
      throw new IllegalArgumentException("rule added twice: " + rule.origin());
    }
    int i = nextRuleIndex++;
    rules.put(i, rule);
    ruleIndex.put(rule, i);
    cache.register(rule.subject());
    rulesBySubject.computeIfAbsent(rule.subject(), k -> new ArrayList<>()).add(rule);
    for (RuleSection section : rule.sections()) {
      ruleBySection.put(section, rule);
      List<Selection> selections = new ArrayList<>();
      for (IdentitySelector s : section.peerSelectors()) {
        selections.add(cache.register(s));
        sectionsBySelector.computeIfAbsent(s, k -> new ArrayList<>()).add(section);
      }
      peerSelections.put(section, List.copyOf(selections));
      sectionPorts.put(section, SectionPorts.of(section));
    }
  }

  private void unindex(PolicyRule rule) {
    Integer i = ruleIndex.remove(rule);
    if (i == null) {
      throw new IllegalArgumentException("rule not in force: " + rule.origin());
    }
    rules.remove(i);
    removeByIdentity(rulesBySubject, rule.subject(), rule);
    cache.release(rule.subject());
    for (RuleSection section : rule.sections()) {
      ruleBySection.remove(section);
      peerSelections.remove(section);
      sectionPorts.remove(section);
      for (IdentitySelector s : section.peerSelectors()) {
        removeByIdentity(sectionsBySelector, s, section);
        cache.release(s);
      }
    }
    subjectsByRule.remove(rule);
  }

  private static <K, V> void removeByIdentity(Map<K, List<V>> index, K key, V value) {
    List<V> values = index.get(key);
    if (values == null) {
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == value) {
        values.remove(i);
        break;
      }
    }
    if (values.isEmpty()) {
      index.remove(key);
    }
  }

  /**
   * Takes {@code removed} out of force and puts {@code added} in (rules are told apart by identity,
   * so an equal rule of another policy is another rule), then recomputes the computed policies of
   * the subjects either set selects. Returns those subjects.
   */
  public Set<Long> replaceRules(Collection<PolicyRule> removed, Collection<PolicyRule> added) {
    Set<Long> affected = new LinkedHashSet<>();
    for (PolicyRule r : removed) {
      addAll(affected, subjectsByRule.getOrDefault(r, NO_SUBJECTS));
    }
    // The new rules first: a selector they share with the old ones stays registered, selection
    // and all, instead of being dropped and computed again.
    for (PolicyRule r : added) {
      index(r);
      cache
          .selections(r.subject())
          .forEach(
              id -> {
                if (policies.containsKey(id)) {
                  affected.add(id);
                }
              });
    }
    for (PolicyRule r : removed) {
      unindex(r);
    }
    for (long subject : affected) {
      forget(subject);
      policyFor(subject);
    }
    return affected;
  }

  private static void addAll(Set<Long> to, LongHashSet from) {
    for (LongCursor c : from) {
      to.add(c.value);
    }
  }

  /** The rules in force that select {@code subject}, a known identity, in their order. */
  public List<PolicyRule> rulesSelecting(long subject) {
    Identity identity = cache.identity(subject);
    return identity == null ? List.of() : rulesSelecting(identity);
  }

  public SelectorCache selectorCache() {
    return cache;
  }

  /**
   * Adds or relabels an identity with the named ports of its pods, and updates every computed
   * policy it affects. Returns the subjects whose policy changed.
   */
  public Set<Long> upsertIdentity(Identity identity, Collection<NamedPort> ports) {
    Set<NamedPort> now = Set.copyOf(ports);
    List<NamedPort> before = namedPorts.put(identity.id(), List.copyOf(now));
    boolean portsChanged = before == null ? !ports.isEmpty() : !Set.copyOf(before).equals(now);
    Set<Long> relabelled = subjects.containsKey(identity.id()) ? Set.of(identity.id()) : Set.of();
    forget(identity.id());
    List<IdentitySelector> changed = cache.upsert(identity);
    return refresh(identity.id(), changed, portsChanged, relabelled);
  }

  /** Removes an identity and updates every computed policy it appeared in. */
  public Set<Long> removeIdentity(long id) {
    List<NamedPort> before = namedPorts.remove(id);
    forget(id);
    List<IdentitySelector> changed = cache.remove(id);
    return refresh(id, changed, before != null && !before.isEmpty(), Set.of());
  }

  /** Drops the computed policy of a subject and its place in the indexes. */
  private void forget(long subject) {
    SubjectRules sr = subjects.remove(subject);
    policies.remove(subject);
    if (sr != null) {
      for (PolicyRule r : sr.rules()) {
        LongHashSet users = subjectsByRule.get(r);
        if (users != null) {
          users.remove(subject);
        }
      }
    }
    namedPortPeerSubjects.remove(subject);
    anyPeerNamedPortSubjects.remove(subject);
  }

  /**
   * Rebuilds the {@code peer} groups of the computed policies whose rules have a selector whose
   * selection changed, found through the indexes rather than by visiting every policy.
   */
  private Set<Long> refresh(
      long peer, List<IdentitySelector> changed, boolean portsChanged, Set<Long> relabelled) {
    Set<Long> affected = new LinkedHashSet<>(relabelled);
    if (policies.isEmpty()) {
      return affected; // Nothing computed to update: identities loaded before any policy.
    }
    Set<PolicyRule> touchedRules = Collections.newSetFromMap(new IdentityHashMap<>());
    for (IdentitySelector s : changed) {
      for (RuleSection section : sectionsBySelector.getOrDefault(s, List.of())) {
        touchedRules.add(ruleBySection.get(section));
      }
    }
    Set<Long> rebuild = new LinkedHashSet<>();
    for (PolicyRule r : touchedRules) {
      addAll(rebuild, subjectsByRule.getOrDefault(r, NO_SUBJECTS));
    }
    if (portsChanged) {
      rebuild.addAll(namedPortPeerSubjects);
    }
    if (hostTraffic == HostTraffic.ALLOWED && changed.contains(hostSelector)) {
      rebuild.addAll(policies.keySet()); // The host's allow is in every default-deny ingress.
    }
    Map<Long, List<SectionPorts>> selecting = sectionsSelecting(peer);
    rebuild.addAll(selecting.keySet());
    for (long subject : rebuild) {
      EndpointPolicy policy = policies.get(subject);
      SubjectRules sr = subjects.get(subject);
      List<SectionPorts> sections = selecting.getOrDefault(subject, List.of());
      MapState fresh =
          peerGroup(
              subject, sr.enforcedOnly(), peer, sr.hasAudit() ? enforcedOnly(sections) : sections);
      for (Direction d : DIRECTIONS) {
        policy.mapState().moveGroup(d, peer, fresh);
      }
      policy
          .audit()
          .ifPresent(
              a -> {
                MapState all = peerGroup(subject, sr, peer, sections);
                for (Direction d : DIRECTIONS) {
                  a.mapState().moveGroup(d, peer, all);
                }
              });
      affected.add(subject);
    }
    if (portsChanged) {
      for (long subject : anyPeerNamedPortSubjects) {
        EndpointPolicy policy = policies.get(subject);
        SubjectRules sr = subjects.get(subject);
        MapState fresh = build(subject, sr.enforcedOnly(), MapStateKey.ANY_IDENTITY);
        policy.mapState().moveGroup(Direction.EGRESS, MapStateKey.ANY_IDENTITY, fresh);
        policy
            .audit()
            .ifPresent(
                a ->
                    a.mapState()
                        .moveGroup(
                            Direction.EGRESS,
                            MapStateKey.ANY_IDENTITY,
                            build(subject, sr, MapStateKey.ANY_IDENTITY)));
        affected.add(subject);
      }
    }
    return affected;
  }

  /**
   * For each subject with a computed policy, its sections whose peer selectors select {@code peer}:
   * the only sections that can put entries in the peer's groups.
   */
  private Map<Long, List<SectionPorts>> sectionsSelecting(long peer) {
    Identity current = cache.identity(peer);
    if (current == null) {
      return Map.of();
    }
    Set<RuleSection> sections = Collections.newSetFromMap(new IdentityHashMap<>());
    for (IdentitySelector s : cache.selectorsSelecting(current)) {
      sections.addAll(sectionsBySelector.getOrDefault(s, List.of()));
    }
    Map<Long, List<SectionPorts>> bySubject = new HashMap<>();
    for (RuleSection section : sections) {
      SectionPorts ports = sectionPorts.get(section);
      for (LongCursor c : subjectsByRule.getOrDefault(ruleBySection.get(section), NO_SUBJECTS)) {
        bySubject.computeIfAbsent(c.value, k -> new ArrayList<>()).add(ports);
      }
    }
    return bySubject;
  }

  /** The {@code peer} groups of a subject's MapState, built from the sections that select it. */
  private MapState peerGroup(
      long subject, SubjectRules sr, long peer, List<SectionPorts> sections) {
    MapState ms = new MapState();
    for (SectionPorts ports : sections) {
      addEntries(ms, subject, ports, sr.defaultDenies(ports.section().direction()), peer);
    }
    if (hosts.contains(peer) && allowsHost(subject, sr)) {
      ms.insert(MapStateKey.allPorts(Direction.INGRESS, peer), MapStateEntry.ALLOW);
    }
    return ms;
  }

  /**
   * Whether the host's traffic into {@code subject} is allowed beside its rules: Cilium's
   * allow-localhost rule, added where ingress is default-deny (elsewhere everything is allowed).
   */
  private boolean allowsHost(long subject, SubjectRules sr) {
    return hostTraffic == HostTraffic.ALLOWED
        && sr.defaultDenies(Direction.INGRESS)
        && !hosts.contains(subject);
  }

  /** The policy of {@code subject}, computed on first request and kept current after. */
  public EndpointPolicy policyFor(long subject) {
    EndpointPolicy p = policies.get(subject);
    if (p == null) {
      SubjectRules sr = subjectRules(subject);
      p = resolve(subject, sr);
      keep(subject, sr, p);
    }
    return p;
  }

  /** Stores a computed policy and enters its subject in the indexes that keep it current. */
  private void keep(long subject, SubjectRules sr, EndpointPolicy p) {
    policies.put(subject, p);
    for (PolicyRule r : sr.rules()) {
      subjectsByRule.computeIfAbsent(r, k -> new LongHashSet(1)).add(subject);
    }
    if (sr.hasNamedPortPeers()) {
      namedPortPeerSubjects.add(subject);
    }
    if (sr.hasAnyPeerNamedPorts()) {
      anyPeerNamedPortSubjects.add(subject);
    }
  }

  /**
   * The policies of {@code subjects}, computing those not computed yet side by side on the common
   * fork-join pool: finding a subject's rules and resolving them only read the rules, the selector
   * cache and the named ports, none of which changes during this call, and write the subject's own
   * MapState. The indexes are written afterwards on the calling thread. Like every other method,
   * call it from one thread at a time.
   */
  public Map<Long, EndpointPolicy> policiesFor(Collection<Long> subjects) {
    Map<Long, EndpointPolicy> out = HashMap.newHashMap(subjects.size());
    List<Long> missing = new ArrayList<>();
    List<Identity> missingIdentities = new ArrayList<>();
    for (long subject : subjects) {
      EndpointPolicy p = policies.get(subject);
      if (p != null) {
        out.put(subject, p);
      } else if (!out.containsKey(subject)) {
        out.put(subject, null);
        missing.add(subject);
        missingIdentities.add(knownIdentity(subject));
      }
    }
    SubjectRules[] rules = new SubjectRules[missing.size()];
    EndpointPolicy[] computed = new EndpointPolicy[missing.size()];
    IntStream.range(0, computed.length)
        .parallel()
        .forEach(
            i -> {
              SubjectRules sr = this.subjects.get(missing.get(i));
              rules[i] =
                  sr != null
                      ? sr
                      : SubjectRules.ofSelecting(rulesSelecting(missingIdentities.get(i)));
              computed[i] = resolve(missing.get(i), rules[i]);
            });
    for (int i = 0; i < computed.length; i++) {
      this.subjects.putIfAbsent(missing.get(i), rules[i]);
      keep(missing.get(i), rules[i], computed[i]);
      out.put(missing.get(i), computed[i]);
    }
    return out;
  }

  /**
   * The policy of {@code subject} computed from scratch over the current identities, neither taken
   * from nor kept in the engine's store: what an endpoint's regeneration costs.
   */
  public EndpointPolicy resolve(long subject) {
    return resolve(subject, SubjectRules.ofSelecting(rulesSelecting(knownIdentity(subject))));
  }

  private EndpointPolicy resolve(long subject, SubjectRules sr) {
    SubjectRules enforcing = sr.enforcedOnly();
    return new EndpointPolicy(
        subject, directions(enforcing), build(subject, enforcing, null), auditView(subject, sr));
  }

  private static Set<Direction> directions(SubjectRules sr) {
    Set<Direction> out = EnumSet.noneOf(Direction.class);
    for (Direction d : DIRECTIONS) {
      if (sr.enforces(d)) {
        out.add(d);
      }
    }
    return out;
  }

  /**
   * What the audit-mode rules selecting {@code subject} would do: the MapState of all its rules,
   * and the audit-mode policies to name in reports, by direction.
   */
  private Optional<AuditView> auditView(long subject, SubjectRules sr) {
    if (!sr.hasAudit()) {
      return Optional.empty();
    }
    Set<Direction> directions = EnumSet.noneOf(Direction.class);
    Map<Direction, List<String>> policies = new EnumMap<>(Direction.class);
    Map<Direction, List<String>> denies = new EnumMap<>(Direction.class);
    for (PolicyRule r : sr.rules()) {
      if (!r.audited()) {
        continue;
      }
      String name = r.origin().kind() + " " + r.origin().qualifiedName();
      for (Direction d : DIRECTIONS) {
        if (!r.appliesIn(d)) {
          continue;
        }
        directions.add(d);
        addOnce(policies, d, name);
        if (r.sections(d).stream().anyMatch(RuleSection::deny)) {
          addOnce(denies, d, name);
        }
      }
    }
    return Optional.of(new AuditView(directions, build(subject, sr, null), policies, denies));
  }

  private static void addOnce(Map<Direction, List<String>> m, Direction d, String name) {
    List<String> names = m.computeIfAbsent(d, k -> new ArrayList<>());
    if (!names.contains(name)) {
      names.add(name);
    }
  }

  /** The sections of enforced rules among {@code sections}. */
  private List<SectionPorts> enforcedOnly(List<SectionPorts> sections) {
    return sections.stream().filter(s -> !ruleBySection.get(s.section()).audited()).toList();
  }

  private SubjectRules subjectRules(long subject) {
    return subjects.computeIfAbsent(
        subject, id -> SubjectRules.ofSelecting(rulesSelecting(knownIdentity(id))));
  }

  private Identity knownIdentity(long id) {
    Identity identity = cache.identity(id);
    if (identity == null) {
      throw new IllegalArgumentException("unknown identity " + id);
    }
    return identity;
  }

  /** The rules whose subject selector selects {@code identity}, in their original order. */
  private List<PolicyRule> rulesSelecting(Identity identity) {
    List<PolicyRule> out = new ArrayList<>();
    for (IdentitySelector s : cache.selectorsSelecting(identity)) {
      out.addAll(rulesBySubject.getOrDefault(s, List.of()));
    }
    out.sort(Comparator.comparingInt(ruleIndex::get));
    return out;
  }

  /**
   * Each thread's MapState to build a subject's whole MapState in before it moves to one of its own
   * size ({@link MapState#moveToSized}).
   */
  private static final ThreadLocal<MapState> SCRATCH = ThreadLocal.withInitial(MapState::new);

  /** Builds the MapState of a subject, or only its groups for {@code onlyPeer} when given. */
  private MapState build(long subject, SubjectRules sr, Long onlyPeer) {
    if (onlyPeer != null) {
      return build(new MapState(), subject, sr, onlyPeer);
    }
    MapState scratch = SCRATCH.get();
    scratch.clear(); // Empty already, unless a build failed halfway.
    return build(scratch, subject, sr, null).moveToSized();
  }

  private MapState build(MapState ms, long subject, SubjectRules sr, Long onlyPeer) {
    for (Direction d : DIRECTIONS) {
      boolean defaultDeny = sr.defaultDenies(d);
      if (!defaultDeny && (onlyPeer == null || onlyPeer == MapStateKey.ANY_IDENTITY)) {
        ms.insert(MapStateKey.allPorts(d, MapStateKey.ANY_IDENTITY), MapStateEntry.ALLOW);
      }
      for (RuleSection section : sr.sections(d)) {
        addSection(ms, subject, section, defaultDeny, onlyPeer);
      }
    }
    if (allowsHost(subject, sr)) {
      hosts.forEach(
          host -> {
            if (onlyPeer == null || onlyPeer == host) {
              ms.insert(MapStateKey.allPorts(Direction.INGRESS, host), MapStateEntry.ALLOW);
            }
          });
    }
    return ms;
  }

  private void addSection(
      MapState ms, long subject, RuleSection section, boolean defaultDeny, Long onlyPeer) {
    SectionPorts ports = sectionPorts.get(section);
    if (section.anyPeer()) {
      if (onlyPeer == null || onlyPeer == MapStateKey.ANY_IDENTITY) {
        addEntries(ms, subject, ports, defaultDeny, MapStateKey.ANY_IDENTITY);
      }
    } else if (onlyPeer != null) {
      // One peer's group: ask whether the section selects it instead of walking its selection.
      if (selectsPeer(section, onlyPeer)) {
        addEntries(ms, subject, ports, defaultDeny, onlyPeer);
      }
    } else {
      List<Selection> selections = peerSelections.get(section);
      for (int i = 0; i < selections.size(); i++) {
        int before = i;
        selections
            .get(i)
            .forEach(
                peer -> {
                  if (!selectedBefore(selections, before, peer)) {
                    addEntries(ms, subject, ports, defaultDeny, peer);
                  }
                });
      }
    }
  }

  /** The section's entries for {@code peer}, which it is known to select. */
  private void addEntries(
      MapState ms, long subject, SectionPorts ports, boolean defaultDeny, long peer) {
    List<NamedPort> named =
        ports.hasNamedPorts()
            ? namedPortsFor(ports.section().direction(), subject, peer)
            : List.of();
    ports.addTo(ms, peer, defaultDeny, named);
  }

  private boolean selectsPeer(RuleSection section, long peer) {
    for (Selection selection : peerSelections.get(section)) {
      if (selection.contains(peer)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a selection before the {@code i}th selects {@code peer}: its entries are in already.
   */
  private static boolean selectedBefore(List<Selection> selections, int i, long peer) {
    for (int j = 0; j < i; j++) {
      if (selections.get(j).contains(peer)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Named ports resolve through the subject's own pods on ingress, through the peer's pods on
   * egress, and through every pod when the peer is anyone.
   */
  List<NamedPort> namedPortsFor(Direction d, long subject, long peer) {
    if (d == Direction.INGRESS) {
      return namedPorts.getOrDefault(subject, List.of());
    }
    if (peer != MapStateKey.ANY_IDENTITY) {
      return namedPorts.getOrDefault(peer, List.of());
    }
    Set<NamedPort> all = new HashSet<>();
    for (ObjectCursor<List<NamedPort>> c : namedPorts.values()) {
      all.addAll(c.value);
    }
    return List.copyOf(all);
  }
}
