package io.palisade.policy.selector;

import io.palisade.policy.identity.Identity;
import io.palisade.policy.labels.Label;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each distinct selector with the identities it selects, kept up to date incrementally. Selectors
 * that require one label value are indexed by it, and identities by their labels, so a new identity
 * is tested only against the selectors that could match it and a new selector only against the
 * identities that could match it.
 */
public final class SelectorCache {

  // Selectors are deep records: they are hashed once, when registered, and their selection is
  // reached through these entries afterwards.
  private final Map<IdentitySelector, Entry> selected = new HashMap<>();
  private final Map<String, List<Entry>> anchoredSelectors = new HashMap<>();
  private final List<Entry> unanchoredSelectors = new ArrayList<>();

  private record Entry(IdentitySelector selector, Set<Long> ids) {}

  private final Map<Long, Identity> identities = new HashMap<>();
  private final Map<String, Set<Long>> identitiesByLabel = new HashMap<>();

  /** Registers a selector and computes its selection over the known identities. */
  public Set<Long> register(IdentitySelector selector) {
    Entry existing = selected.get(selector);
    if (existing != null) {
      return Collections.unmodifiableSet(existing.ids());
    }
    Set<Long> ids = new HashSet<>();
    String anchor = anchor(selector);
    Collection<Long> candidates =
        anchor == null ? identities.keySet() : identitiesByLabel.getOrDefault(anchor, Set.of());
    for (Long id : candidates) {
      if (selector.selects(identities.get(id))) {
        ids.add(id);
      }
    }
    Entry entry = new Entry(selector, ids);
    selected.put(selector, entry);
    if (anchor == null) {
      unanchoredSelectors.add(entry);
    } else {
      anchoredSelectors.computeIfAbsent(anchor, a -> new ArrayList<>()).add(entry);
    }
    return Collections.unmodifiableSet(ids);
  }

  /**
   * Adds (or relabels) an identity and returns the selectors whose selection changed because of it.
   */
  public List<IdentitySelector> upsert(Identity identity) {
    Identity previous = identities.put(identity.id(), identity);
    Set<Entry> candidates = Collections.newSetFromMap(new IdentityHashMap<>());
    candidates.addAll(unanchoredSelectors);
    if (previous != null) {
      unindex(previous);
      candidates.addAll(selectorsOf(previous.id()));
    }
    for (Label l : identity.labels()) {
      String key = labelAnchor(l.key(), l.value());
      identitiesByLabel.computeIfAbsent(key, k -> new HashSet<>()).add(identity.id());
      candidates.addAll(anchoredSelectors.getOrDefault(key, List.of()));
    }
    List<IdentitySelector> changed = new ArrayList<>();
    for (Entry e : candidates) {
      boolean now = e.selector().selects(identity);
      if (now ? e.ids().add(identity.id()) : e.ids().remove(identity.id())) {
        changed.add(e.selector());
      }
    }
    return changed;
  }

  /** Removes an identity and returns the selectors that had selected it. */
  public List<IdentitySelector> remove(long id) {
    Identity previous = identities.remove(id);
    if (previous == null) {
      return List.of();
    }
    unindex(previous);
    List<IdentitySelector> changed = new ArrayList<>();
    for (Entry e : selectorsOf(id)) {
      e.ids().remove(id);
      changed.add(e.selector());
    }
    return changed;
  }

  private List<Entry> selectorsOf(long id) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : selected.values()) {
      if (e.ids().contains(id)) {
        out.add(e);
      }
    }
    return out;
  }

  private void unindex(Identity identity) {
    for (Label l : identity.labels()) {
      Set<Long> ids = identitiesByLabel.get(labelAnchor(l.key(), l.value()));
      if (ids != null) {
        ids.remove(identity.id());
      }
    }
  }

  /** The label value a selector requires, if it requires exactly one for some key. */
  private static String anchor(IdentitySelector selector) {
    if (selector instanceof LabelSelectorMatcher m) {
      for (Requirement r : m.requirements()) {
        if (r.operator() == Requirement.Operator.IN && r.values().size() == 1) {
          return labelAnchor(r.key().key(), r.values().first());
        }
      }
    }
    return null;
  }

  private static String labelAnchor(String key, String value) {
    return key + '\u0000' + value;
  }

  /**
   * The registered selectors that select {@code identity}, which must be known: found through the
   * label index, so only selectors that could match are tested.
   */
  public List<IdentitySelector> selectorsSelecting(Identity identity) {
    List<IdentitySelector> out = new ArrayList<>();
    for (Entry e : unanchoredSelectors) {
      if (e.ids().contains(identity.id())) {
        out.add(e.selector());
      }
    }
    for (Label l : identity.labels()) {
      for (Entry e : anchoredSelectors.getOrDefault(labelAnchor(l.key(), l.value()), List.of())) {
        if (e.ids().contains(identity.id())) {
          out.add(e.selector());
        }
      }
    }
    return out;
  }

  /** The identities {@code selector} selects, registering it on first use. */
  public Set<Long> selections(IdentitySelector selector) {
    Entry e = selected.get(selector);
    return e == null ? register(selector) : Collections.unmodifiableSet(e.ids());
  }

  /** The union of the selections of several selectors. */
  public Set<Long> selections(Collection<IdentitySelector> selectors) {
    if (selectors.size() == 1) {
      return selections(selectors.iterator().next());
    }
    Set<Long> union = new LinkedHashSet<>();
    for (IdentitySelector s : selectors) {
      union.addAll(selections(s));
    }
    return union;
  }

  public Collection<Identity> identities() {
    return Collections.unmodifiableCollection(identities.values());
  }

  public Identity identity(long id) {
    return identities.get(id);
  }

  public int selectorCount() {
    return selected.size();
  }
}
