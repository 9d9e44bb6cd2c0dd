package io.palisade.crds.palisade;

import com.fasterxml.jackson.annotation.JsonInclude;
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
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicySource extends CustomResource<PolicySourceSpec, PolicySourceStatus>
    implements Namespaced {}
