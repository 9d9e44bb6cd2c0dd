package io.palisade.policy.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes documents again with the same meaning in other YAML: flow style, keys in another order, a
 * repeated subtree anchored where it first appears and aliased after, and some entries moved behind
 * a merge key {@code <<} (with a decoy value for a key the mapping sets itself, which the merge
 * must not take). The fuzz test's twin: it must resolve to the very same trees and MapState.
 */
final class TwinWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Random random;
  private final Map<JsonNode, String> anchors = new HashMap<>();
  private int next;

  TwinWriter(long seed) {
    this.random = new Random(seed);
  }

  String write(List<JsonNode> docs) {
    StringBuilder out = new StringBuilder();
    for (JsonNode doc : docs) {
      anchors.clear();
      out.append("---\n");
      write(doc, out, true);
      out.append('\n');
    }
    return out.toString();
  }

  private void write(JsonNode n, StringBuilder out, boolean mayAnchor) {
    if (n.isContainerNode() && !n.isEmpty() && mayAnchor) {
      String alias = anchors.get(n);
      if (alias != null) {
        out.append('*').append(alias);
        return;
      }
      if (random.nextInt(3) == 0) {
        String name = "a" + next++;
        anchors.put(n, name);
        out.append('&').append(name).append(' ');
      }
    }
    if (n.isObject()) {
      object(n, out);
    } else if (n.isArray()) {
      out.append('[');
      for (int i = 0; i < n.size(); i++) {
        out.append(i == 0 ? "" : ", ");
        write(n.get(i), out, true);
      }
      out.append(']');
    } else if (n.isTextual()) {
      out.append(quoted(n.asText()));
    } else {
      out.append(n);
    }
  }

  private void object(JsonNode n, StringBuilder out) {
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(n.properties());
    Collections.shuffle(entries, random);
    List<Map.Entry<String, JsonNode>> merged = List.of();
    if (entries.size() > 1 && random.nextInt(3) == 0) {
      int cut = 1 + random.nextInt(entries.size() - 1);
      merged = entries.subList(0, cut);
      entries = entries.subList(cut, entries.size());
    }
    out.append('{');
    String sep = "";
    if (!merged.isEmpty()) {
      ObjectNode source = JsonNodeFactory.instance.objectNode();
      merged.forEach(e -> source.set(e.getKey(), e.getValue()));
      // A key the mapping sets itself: the merge must leave the mapping's own value.
      source.set(entries.getFirst().getKey(), TextNode.valueOf("decoy-the-merge-must-not-win"));
      out.append("<<: ");
      write(source, out, false);
      sep = ", ";
    }
    for (Map.Entry<String, JsonNode> e : entries) {
      out.append(sep).append(quoted(e.getKey())).append(": ");
      write(e.getValue(), out, true);
      sep = ", ";
    }
    out.append('}');
  }

  private static String quoted(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
