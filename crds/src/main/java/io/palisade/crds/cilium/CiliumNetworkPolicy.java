package io.palisade.crds.cilium;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A namespaced Cilium policy: {@code spec} and {@code specs} together are its rules. */
@Group("cilium.io")
@Version("v2")
@Kind("CiliumNetworkPolicy")
@Plural("ciliumnetworkpolicies")
@ShortNames({"cnp", "ciliumnp"})
// Cilium's own CRD shows Valid and Age; Enforced says whether the nodes hold it.
@AdditionalPrinterColumn(
    name = "Valid",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Valid\")].status")
@AdditionalPrinterColumn(
    name = "Enforced",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Enforced\")].status")
@AdditionalPrinterColumn(
    name = "Age",
    type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(using = CiliumNetworkPolicy.Reader.class)
public class CiliumNetworkPolicy extends CiliumPolicy implements Namespaced {

  /** Jackson's reader of this kind (see {@link CiliumPolicy}). */
  public static final class Reader extends CiliumPolicy.Reader<CiliumNetworkPolicy> {
    public Reader() {
      super(CiliumNetworkPolicy.class, CiliumNetworkPolicy::new);
    }
  }
}
