package io.palisade.policy.selector;

import com.carrotsearch.hppc.LongHashSet;
import com.carrotsearch.hppc.cursors.LongCursor;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
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
  // By anchor label key, then value: looked up per label of every identity, so by the two strings
  // as they are rather than a key made of both.
  private final Map<String, Map<String, List<Entry>>> anchoredSelectors = new HashMap<>();
  private final List<Entry> unanchoredSelectors = new ArrayList<>();

  /** A selector, what it selects, and how many registrations hold it. */
  private static final class Entry {
    private final IdentitySelector selector;
    private final Anchor anchor;
    private final LongHashSet ids = new LongHashSet();
    private final Selection view = new Selection(ids);
    private int holders;

    Entry(IdentitySelector selector, Anchor anchor) {
      this.selector = selector;
      this.anchor = anchor;
    }

    IdentitySelector selector() {
      return selector;
    }

    LongHashSet ids() {
      return ids;
    }
  }

  private static final LongHashSet NO_IDS = new LongHashSet(0);

  private final Map<Long, Identity> identities = new HashMap<>();
  private final Map<String, Map<String, LongHashSet>> identitiesByLabel = new HashMap<>();

  /** The label key and value a selector requires. */
  private record Anchor(String key, String value) {}

  /**
   * Registers a selector, computing its selection over the known identities the first time, and
   * returns a live view of it. Each registration is held until {@link #release}d.
   */
  public Selection register(IdentitySelector selector) {
    Entry existing = selected.get(selector);
    if (existing != null) {
      existing.holders++;
      return existing.view;
    }
    Anchor anchor = anchor(selector);
    Entry entry = new Entry(selector, anchor);
    entry.holders = 1;
    if (anchor == null) {
      for (Identity identity : identities.values()) {
        if (selector.selects(identity)) {
          entry.ids().add(identity.id());
        }
      }
    } else {
      for (LongCursor c : labelled(anchor.key(), anchor.value())) {
        if (selector.selects(identities.get(c.value))) {
          entry.ids().add(c.value);
        }
      }
    }
    selected.put(selector, entry);
    if (anchor == null) {
      unanchoredSelectors.add(entry);
    } else {
      anchoredSelectors
          .computeIfAbsent(anchor.key(), k -> new HashMap<>())
          .computeIfAbsent(anchor.value(), v -> new ArrayList<>())
          .add(entry);
    }
    return entry.view;
  }

  /**
   * Gives back one registration; the last one drops the selector, so that identity changes no
   * longer test it.
   */
  public void release(IdentitySelector selector) {
    Entry e = selected.get(selector);
    if (e == null || --e.holders > 0) {
      return;
    }
    selected.remove(selector);
    Anchor anchor = e.anchor;
    List<Entry> list =
        anchor == null ? unanchoredSelectors : get(anchoredSelectors, anchor.key(), anchor.value());
    if (list != null) {
      list.removeIf(x -> x == e);
      if (anchor != null && list.isEmpty()) {
        Map<String, List<Entry>> byValue = anchoredSelectors.get(anchor.key());
        byValue.remove(anchor.value());
        if (byValue.isEmpty()) {
          anchoredSelectors.remove(anchor.key());
        }
      }
    }
  }

  /**
   * Adds (or relabels) an identity and returns the selectors whose selection changed because of it.
   */
  public List<IdentitySelector> upsert(Identity identity) {
    Identity previous = identities.put(identity.id(), identity);
    List<IdentitySelector> changed = new ArrayList<>();
    if (previous != null) {
      Set<Entry> candidates = Collections.newSetFromMap(new IdentityHashMap<>());
      candidates.addAll(unanchoredSelectors);
      candidates.addAll(entriesSelecting(previous));
      unindex(previous);
      Labels labels = identity.labels();
      for (int i = 0; i < labels.size(); i++) {
        Label l = labels.get(i);
        index(l, identity.id());
        candidates.addAll(anchoredOn(l.key(), l.value()));
      }
      for (Entry e : candidates) {
        test(e, identity, changed);
      }
      return changed;
    }
    // A new identity: no selector holds it yet, and each is a candidate once, an anchored one under
    // the one label it is anchored on, so no set of candidates is needed to test each once.
    for (int i = 0; i < unanchoredSelectors.size(); i++) {
      test(unanchoredSelectors.get(i), identity, changed);
    }
    Labels labels = identity.labels();
    for (int i = 0; i < labels.size(); i++) {
      Label l = labels.get(i);
      index(l, identity.id());
      if (!sameAnchorBefore(labels, i)) {
        List<Entry> anchored = anchoredOn(l.key(), l.value());
        for (int j = 0; j < anchored.size(); j++) {
          test(anchored.get(j), identity, changed);
        }
      }
    }
    return changed;
  }

  private void index(Label l, long id) {
    identitiesByLabel
        .computeIfAbsent(l.key(), k -> new HashMap<>())
        .computeIfAbsent(l.value(), v -> new LongHashSet())
        .add(id);
  }

  /** Whether a label before the {@code i}th has its key and value (under another source). */
  private static boolean sameAnchorBefore(Labels labels, int i) {
    Label l = labels.get(i);
    for (int j = 0; j < i; j++) {
      if (labels.get(j).key().equals(l.key()) && labels.get(j).value().equals(l.value())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Puts {@code identity} in or out of {@code e}'s selection, noting the selector if it changed.
   */
  private static void test(Entry e, Identity identity, List<IdentitySelector> changed) {
    boolean now = e.selector().selects(identity);
    if (now ? e.ids().add(identity.id()) : e.ids().remove(identity.id())) {
      changed.add(e.selector());
    }
  }

  private List<Entry> anchoredOn(String key, String value) {
    List<Entry> entries = get(anchoredSelectors, key, value);
    return entries == null ? List.of() : entries;
  }

  private LongHashSet labelled(String key, String value) {
    LongHashSet ids = get(identitiesByLabel, key, value);
    return ids == null ? NO_IDS : ids;
  }

  private static <V> V get(Map<String, Map<String, V>> byKey, String key, String value) {
    Map<String, V> byValue = byKey.get(key);
    return byValue == null ? null : byValue.get(value);
  }

  /** Removes an identity and returns the selectors that had selected it. */
  public List<IdentitySelector> remove(long id) {
    Identity previous = identities.remove(id);
    if (previous == null) {
      return List.of();
    }
    List<IdentitySelector> changed = new ArrayList<>();
    for (Entry e : entriesSelecting(previous)) {
      e.ids().remove(id);
      changed.add(e.selector());
    }
    unindex(previous);
    return changed;
  }

  private void unindex(Identity identity) {
    for (Label l : identity.labels()) {
      LongHashSet ids = get(identitiesByLabel, l.key(), l.value());
      if (ids != null) {
        ids.remove(identity.id());
      }
    }
  }

  /**
   * The label a selector requires one value of, if any (an ipBlock's pods: its {@code ipblock:}
   * label): of several, the one fewest identities have now, so that a new identity is tested
   * against few selectors and a selection starts from few candidates (a namespace or cluster label
   * is on every identity of its namespace). Of labels as rare, the one fewest selectors are
   * anchored on: rules usually come before the identities, when every label has none, and the first
   * label in order was then the cluster's, on every identity, for a tenth of the selectors.
   */
  private Anchor anchor(IdentitySelector selector) {
    if (selector instanceof IpBlockPodSelector p) {
      return new Anchor(p.anchor().key(), p.anchor().value());
    }
    Anchor best = null;
    int fewest = Integer.MAX_VALUE;
    int fewestSelectors = Integer.MAX_VALUE;
    if (selector instanceof LabelSelectorMatcher m) {
      for (Requirement r : m.requirements()) {
        if (r.operator() == Requirement.Operator.IN && r.values().size() == 1) {
          String key = r.key().key();
          String value = r.values().first();
          int n = labelled(key, value).size();
          int selectors = anchoredOn(key, value).size();
          if (n < fewest || (n == fewest && selectors < fewestSelectors)) {
            best = new Anchor(key, value);
            fewest = n;
            fewestSelectors = selectors;
          }
        }
      }
    }
    return best;
  }

  /**
   * The registered selectors that select {@code identity}, which must be known: found through the
   * label index, so only selectors that could match are tested.
   */
  public List<IdentitySelector> selectorsSelecting(Identity identity) {
    List<IdentitySelector> out = new ArrayList<>();
    for (Entry e : entriesSelecting(identity)) {
      out.add(e.selector());
    }
    return out;
  }

  /**
   * The entries that hold {@code identity} in their selection: an anchored selector can only hold
   * it if the identity has the anchor label, so only those and the unanchored ones are looked at.
   */
  private List<Entry> entriesSelecting(Identity identity) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : unanchoredSelectors) {
      if (e.ids().contains(identity.id())) {
        out.add(e);
      }
    }
    Labels labels = identity.labels();
    for (int i = 0; i < labels.size(); i++) {
      List<Entry> anchored = anchoredOn(labels.get(i).key(), labels.get(i).value());
      for (int j = 0; j < anchored.size(); j++) {
        if (anchored.get(j).ids().contains(identity.id())) {
          out.add(anchored.get(j));
        }
      }
    }
    return out;
  }

  /** The identities {@code selector} selects, registering it on first use. */
  public Selection selections(IdentitySelector selector) {
    Entry e = selected.get(selector);
    return e == null ? register(selector) : e.view;
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
