package io.palisade.crds.palisade;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The objects a source applied and still manages: what pruning and deletion may remove. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceInventory(List<InventoryEntry> entries) {}
