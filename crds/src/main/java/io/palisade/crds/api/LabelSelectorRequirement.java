package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/**
 * One {@code matchExpressions} term: {@code In}, {@code NotIn}, {@code Exists} or {@code
 * DoesNotExist}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabelSelectorRequirement(
    @Required String key, @Required String operator, List<String> values) {}
