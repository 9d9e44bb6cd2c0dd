package io.palisade.crds.cilium;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A cluster-scoped Cilium policy; it may select nodes as well as pods. */
@Group("cilium.io")
@Version("v2")
@Kind("CiliumClusterwideNetworkPolicy")
@Plural("ciliumclusterwidenetworkpolicies")
@ShortNames({"ccnp"})
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
@JsonDeserialize(using = CiliumClusterwideNetworkPolicy.Reader.class)
public class CiliumClusterwideNetworkPolicy extends CiliumPolicy {

  /** Jackson's reader of this kind (see {@link CiliumPolicy}). */
  public static final class Reader extends CiliumPolicy.Reader<CiliumClusterwideNetworkPolicy> {
    public Reader() {
      super(CiliumClusterwideNetworkPolicy.class, CiliumClusterwideNetworkPolicy::new);
    }
  }
}
