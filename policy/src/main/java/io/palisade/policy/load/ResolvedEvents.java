package io.palisade.policy.load;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.parser.Parser;

/**
 * SnakeYAML's event stream with YAML's meaning applied before Jackson builds a tree from it, as
 * Kubernetes' decoder reads the same text. Jackson alone reads an alias as its anchor's name, so
 * {@code org: *rebels} would select the label value {@code rebels}. Here an alias stands for a copy
 * of the node its anchor names, a merge key {@code <<} brings in the entries of the mappings it
 * names that the mapping does not set itself, and a key given twice is an error. Bounded: aliases
 * expand to at most {@link #MAX_EXPANDED} events per document, and a key or value holds at most
 * {@link #MAX_VALUE} characters. Not thread-safe: one instance reads one stream.
 */
final class ResolvedEvents {

  /** Kubernetes' limit on all annotations of an object together; no single value needs more. */
  static final int MAX_VALUE = 256 * 1024;

  /** Real policies repeat a selector or a port list a few dozen times; a bomb needs millions. */
  static final int MAX_EXPANDED = 100_000;

  /** Stands for an anchor whose node is still being read: an alias to it would be recursive. */
  private static final List<Event> IN_PROGRESS = List.of();

  private final Parser source;
  private final Deque<Event> ready = new ArrayDeque<>();
  private final Deque<Event> replay = new ArrayDeque<>();
  private final Deque<Frame> frames = new ArrayDeque<>();
  private final Map<String, List<Event>> anchors = new HashMap<>();
  private int expanded;

  ResolvedEvents(Parser source) {
    this.source = source;
  }

  /** A problem of meaning (not of syntax) at a place in the text. */
  static final class MeaningException extends MarkedYAMLException {
    MeaningException(String problem, Mark at) {
      super(null, null, problem, at);
    }
  }

  /** An open mapping or sequence, where its events go, and what has been read of it. */
  private static final class Frame {
    final boolean mapping;
    final Consumer<Event> out;
    final String anchor;
    final List<Event> recording;
    final String path;
    final Set<String> keys = new HashSet<>();
    final List<List<Event>> merges = new ArrayList<>();
    boolean expectKey = true;
    boolean mergeNext;
    String key = "";
    int index = -1;

    Frame(boolean mapping, Consumer<Event> out, String anchor, List<Event> rec, String path) {
      this.mapping = mapping;
      this.out = out;
      this.anchor = anchor;
      this.recording = rec;
      this.path = path;
    }
  }

  Event next() {
    while (ready.isEmpty()) {
      step(replay.isEmpty() ? source.getEvent() : replay.poll());
    }
    return ready.poll();
  }

  private void step(Event e) {
    switch (e) {
      case AliasEvent a -> alias(a);
      case ScalarEvent s -> scalar(s);
      case CollectionStartEvent c -> open(c);
      default -> {
        if (e.is(Event.ID.MappingEnd) || e.is(Event.ID.SequenceEnd)) {
          close(e);
        } else {
          if (e.is(Event.ID.DocumentStart)) {
            anchors.clear();
            expanded = 0;
          }
          ready.add(e);
        }
      }
    }
  }

  private void alias(AliasEvent a) {
    String path = currentPath();
    List<Event> node = anchors.get(a.getAnchor());
    if (node == null) {
      throw new MeaningException(
          at(path) + "the alias *" + a.getAnchor() + " names no anchor before it",
          a.getStartMark());
    }
    if (node == IN_PROGRESS) {
      throw new MeaningException(
          at(path) + "the alias *" + a.getAnchor() + " is inside the node its anchor names",
          a.getStartMark());
    }
    expanded += node.size();
    if (expanded > MAX_EXPANDED) {
      throw new MeaningException(
          at(path) + "aliases expand to more than " + MAX_EXPANDED + " values in one document",
          a.getStartMark());
    }
    for (int i = node.size() - 1; i >= 0; i--) {
      replay.addFirst(node.get(i));
    }
  }

  private void scalar(ScalarEvent s) {
    Frame top = frames.peek();
    if (top != null && top.mapping && top.expectKey) {
      key(top, s);
      return;
    }
    String path = childPath(top);
    checkLength(s, path);
    Consumer<Event> out = childOut(top);
    out.accept(s.getAnchor() == null ? s : anchored(s));
  }

  private void key(Frame top, ScalarEvent s) {
    top.expectKey = false;
    if (s.getTag() == null && s.isPlain() && s.getValue().equals("<<")) {
      top.mergeNext = true;
      return;
    }
    String path = join(top.path, s.getValue());
    checkLength(s, path);
    if (!top.keys.add(s.getValue())) {
      throw new MeaningException(
          at(top.path) + "the key \"" + s.getValue() + "\" is given twice", s.getStartMark());
    }
    top.key = s.getValue();
    top.out.accept(s.getAnchor() == null ? s : anchored(s));
  }

  private ScalarEvent anchored(ScalarEvent s) {
    ScalarEvent plain =
        new ScalarEvent(
            null,
            s.getTag(),
            s.getImplicit(),
            s.getValue(),
            s.getStartMark(),
            s.getEndMark(),
            s.getScalarStyle());
    anchors.put(s.getAnchor(), List.of(plain));
    return plain;
  }

  private void open(CollectionStartEvent c) {
    boolean mapping = c instanceof MappingStartEvent;
    Frame top = frames.peek();
    if (top != null && top.mapping && top.expectKey) {
      throw new MeaningException(
          at(top.path) + "a key must be a single value, not a " + (mapping ? "mapping" : "list"),
          c.getStartMark());
    }
    String path = childPath(top);
    Consumer<Event> out = childOut(top);
    List<Event> recording = null;
    Event start = c;
    if (c.getAnchor() != null) {
      List<Event> rec = new ArrayList<>();
      Consumer<Event> parent = out;
      out =
          e -> {
            rec.add(e);
            parent.accept(e);
          };
      recording = rec;
      start = withoutAnchor(c, mapping);
      anchors.put(c.getAnchor(), IN_PROGRESS);
    }
    frames.push(new Frame(mapping, out, c.getAnchor(), recording, path));
    out.accept(start);
  }

  private static Event withoutAnchor(CollectionStartEvent c, boolean mapping) {
    return mapping
        ? new MappingStartEvent(
            null, c.getTag(), c.getImplicit(), c.getStartMark(), c.getEndMark(), c.getFlowStyle())
        : new SequenceStartEvent(
            null, c.getTag(), c.getImplicit(), c.getStartMark(), c.getEndMark(), c.getFlowStyle());
  }

  private void close(Event end) {
    Frame f = frames.pop();
    if (f.mapping) {
      merge(f, end.getStartMark());
    }
    f.out.accept(end);
    if (f.anchor != null) {
      anchors.put(f.anchor, List.copyOf(f.recording));
    }
  }

  /**
   * The entries of each merged mapping that the mapping does not set itself, the first merged
   * mapping winning over later ones, as YAML's merge key type says.
   */
  private void merge(Frame f, Mark at) {
    for (List<Event> value : f.merges) {
      for (List<Event> source : mappingsOf(value, f.path, at)) {
        int i = 1;
        while (i < source.size() - 1) {
          ScalarEvent key = (ScalarEvent) source.get(i);
          int end = nodeEnd(source, i + 1);
          if (f.keys.add(key.getValue())) {
            f.out.accept(key);
            source.subList(i + 1, end).forEach(f.out);
          }
          i = end;
        }
      }
    }
  }

  /** The mappings a merge key names: one mapping, or a list of mappings. */
  private static List<List<Event>> mappingsOf(List<Event> value, String path, Mark at) {
    if (value.getFirst() instanceof MappingStartEvent) {
      return List.of(value);
    }
    List<List<Event>> out = new ArrayList<>();
    if (value.getFirst() instanceof SequenceStartEvent) {
      int i = 1;
      while (i < value.size() - 1) {
        int end = nodeEnd(value, i);
        if (!(value.get(i) instanceof MappingStartEvent)) {
          out = null;
          break;
        }
        out.add(value.subList(i, end));
        i = end;
      }
      if (out != null) {
        return out;
      }
    }
    throw new MeaningException(
        at(join(path, "<<")) + "a merge key takes a mapping or a list of mappings", at);
  }

  /** The index just past the node that starts at {@code start}. */
  private static int nodeEnd(List<Event> events, int start) {
    int depth = 0;
    int i = start;
    do {
      Event e = events.get(i++);
      if (e instanceof CollectionStartEvent) {
        depth++;
      } else if (e.is(Event.ID.MappingEnd) || e.is(Event.ID.SequenceEnd)) {
        depth--;
      }
    } while (depth > 0);
    return i;
  }

  /** Where a node read now goes: the document, its parent, or the merge key it is the value of. */
  private Consumer<Event> childOut(Frame top) {
    if (top == null) {
      return ready::add;
    }
    if (top.mergeNext) {
      top.mergeNext = false;
      List<Event> value = new ArrayList<>();
      top.merges.add(value);
      return value::add;
    }
    return top.out;
  }

  /** The path of the node read now; moves its parent on to the next key or item. */
  private static String childPath(Frame top) {
    if (top == null) {
      return "";
    }
    if (top.mapping) {
      top.expectKey = true;
      return join(top.path, top.mergeNext ? "<<" : top.key);
    }
    top.index++;
    return top.path + "[" + top.index + "]";
  }

  private String currentPath() {
    Frame top = frames.peek();
    if (top == null) {
      return "";
    }
    if (top.mapping) {
      return join(top.path, top.mergeNext ? "<<" : top.key);
    }
    return top.path + "[" + (top.index + 1) + "]";
  }

  private static void checkLength(ScalarEvent s, String path) {
    if (s.getValue().length() > MAX_VALUE) {
      throw new MeaningException(
          at(path)
              + "a value of "
              + s.getValue().length()
              + " characters; a value may hold at most "
              + MAX_VALUE,
          s.getStartMark());
    }
  }

  private static String at(String path) {
    return path.isEmpty() ? "" : path + ": ";
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
