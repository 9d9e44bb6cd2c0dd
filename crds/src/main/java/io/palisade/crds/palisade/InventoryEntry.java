package io.palisade.crds.palisade;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One applied object; {@code namespace} is absent for cluster-scoped kinds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InventoryEntry(String group, String kind, String namespace, String name) {}
