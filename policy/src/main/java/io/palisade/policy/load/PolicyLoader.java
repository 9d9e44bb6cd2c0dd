package io.palisade.policy.load;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.palisade.crds.cilium.CiliumCIDRGroup;
import io.palisade.crds.cilium.CiliumClusterwideNetworkPolicy;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.rules.PolicySet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Reads policy files and directories into a validated policy set. */
public final class PolicyLoader {

  private final ObjectMapper yaml =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  public LoadResult load(List<Path> paths) throws IOException {
    PolicySet set = new PolicySet();
    List<DocumentError> errors = new ArrayList<>();
    int count = 0;
    for (Path file : PolicyFiles.expand(paths)) {
      try {
        Iterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(file.toFile());
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          String kind = doc.path("kind").asText("");
          switch (kind) {
            case "CiliumNetworkPolicy" -> set.add(yaml.treeToValue(doc, CiliumNetworkPolicy.class));
            case "CiliumClusterwideNetworkPolicy" ->
                set.add(yaml.treeToValue(doc, CiliumClusterwideNetworkPolicy.class));
            case "CiliumCIDRGroup" -> set.add(yaml.treeToValue(doc, CiliumCIDRGroup.class));
            default -> {
              continue;
            }
          }
          count++;
        }
      } catch (IOException | RuntimeException e) {
        errors.add(
            new DocumentError(file.toString(), "", "", "", new FieldError("", e.getMessage())));
      }
    }
    return new LoadResult(set, errors, count);
  }
}
