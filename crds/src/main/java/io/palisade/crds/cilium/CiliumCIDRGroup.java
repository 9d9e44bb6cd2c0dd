package io.palisade.crds.cilium;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** A named set of external CIDRs that policies reference with {@code cidrGroupRef}. */
@Group("cilium.io")
@Version("v2")
@Kind("CiliumCIDRGroup")
@Plural("ciliumcidrgroups")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CiliumCIDRGroup extends CustomResource<CiliumCIDRGroup.Spec, Void> {

  /** The CIDRs of the group. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Spec(List<String> externalCIDRs) {}
}
