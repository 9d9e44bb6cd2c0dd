package io.palisade.crds.palisade;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A path of a Git repository whose policies the operator applies, prunes and reports on, like a
 * Flux GitRepository and Kustomization in one.
 */
@Group("palisade.io")
@Version("v1alpha1")
@Kind("PolicySource")
@Plural("policysources")
@ShortNames({"psrc"})
// What Flux's GitRepository shows: readiness, the revision applied, why not, and age.
@AdditionalPrinterColumn(
    name = "Ready",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Revision",
    type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.lastAppliedRevision")
@AdditionalPrinterColumn(
    name = "Status",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].message")
@AdditionalPrinterColumn(
    name = "Age",
    type = AdditionalPrinterColumn.Type.DATE,
    jsonPath = ".metadata.creationTimestamp")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicySource extends CustomResource<PolicySourceSpec, PolicySourceStatus>
    implements Namespaced {}
