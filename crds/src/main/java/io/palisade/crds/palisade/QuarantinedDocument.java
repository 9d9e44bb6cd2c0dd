package io.palisade.crds.palisade;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A document of the revision that was not applied, with every error; its object, if it names one,
 * keeps its last applied version.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QuarantinedDocument(
    String file, String kind, String namespace, String name, List<String> errors) {}
