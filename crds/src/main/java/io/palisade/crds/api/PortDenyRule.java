package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Ports of a deny rule: no L7. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PortDenyRule(List<PortProtocol> ports) {}
