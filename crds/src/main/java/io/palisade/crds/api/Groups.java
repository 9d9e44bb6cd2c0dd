package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** Peers from a cloud provider's groups (AWS security groups). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Groups(Aws aws) {

  /** AWS instances by tag, security group id or name. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Aws(
      Map<String, String> labels,
      List<String> securityGroupsIds,
      List<String> securityGroupsNames,
      String region) {}
}
