package io.palisade.crds.cilium;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Map;

/**
 * A cluster-wide security identity: its name is the number, {@code security-labels} the label set
 * it stands for ({@code source:key} to value).
 */
@Group("cilium.io")
@Version("v2")
@Kind("CiliumIdentity")
@Plural("ciliumidentities")
@ShortNames({"ciliumid"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CiliumIdentity extends CustomResource<Void, Void> {

  @JsonProperty("security-labels")
  private Map<String, String> securityLabels;

  public Map<String, String> getSecurityLabels() {
    return securityLabels;
  }

  public void setSecurityLabels(Map<String, String> securityLabels) {
    this.securityLabels = securityLabels;
  }
}
