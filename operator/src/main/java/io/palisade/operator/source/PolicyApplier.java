package io.palisade.operator.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.palisade.gitops.ObjectRef;
import io.palisade.pipeline.flows.FlowNaming;
import io.palisade.policy.validate.PolicyKind;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the policies of a source to the API: server-side apply under the one field manager {@value
 * #FIELD_MANAGER}, forcing conflicts (Git is the source of truth for the fields it sets), with the
 * {@link SourceId} annotation and managed-by label on every object; and deletes pruned objects. It
 * never writes status: each policy's own reconciler does.
 */
public class PolicyApplier {

  public static final String FIELD_MANAGER = "palisade-policysource";

  private final KubernetesClient client;

  public PolicyApplier(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Where an object of a source lands: a namespaced policy written without a namespace goes to the
   * source's namespace, as {@code kubectl apply -n} would put it.
   */
  public static ObjectRef placed(ObjectRef ref, SourceId owner) {
    boolean namespaced = PolicyKind.ofKind(ref.kind()).map(PolicyKind::namespaced).orElse(false);
    return namespaced && ref.namespace().isEmpty()
        ? new ObjectRef(ref.group(), ref.kind(), owner.namespace(), ref.name())
        : ref;
  }

  /**
   * Applies one valid document's object at {@code at} (see {@link #placed}).
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the API refuses it
   */
  public void apply(HasMetadata object, ObjectRef at, SourceId owner) {
    apply(object, at, owner, Optional.empty());
  }

  /**
   * The same, marking the object with the source's {@code revision} ({@code <ref>@sha1:<sha>}) in
   * {@value FlowNaming#REVISION_ANNOTATION}, which flows name as the commit their rule came from.
   */
  public void apply(HasMetadata object, ObjectRef at, SourceId owner, Optional<String> revision) {
    HasMetadata desired = client.getKubernetesSerialization().clone(object);
    desired.setMetadata(metadata(object.getMetadata(), at, owner));
    revision.ifPresent(
        r -> desired.getMetadata().getAnnotations().put(FlowNaming.REVISION_ANNOTATION, r));
    client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  /** The object's annotations now; empty when it does not exist (or is of a kind not ours). */
  public Optional<Map<String, String>> annotations(ObjectRef ref) {
    return resource(ref)
        .map(Resource::get)
        .map(o -> Optional.ofNullable(o.getMetadata().getAnnotations()).orElse(Map.of()));
  }

  /** Deletes the object; {@code false} when it was already gone. */
  public boolean delete(ObjectRef ref) {
    return resource(ref).map(r -> !r.delete().isEmpty()).orElse(false);
  }

  private Optional<Resource<? extends HasMetadata>> resource(ObjectRef ref) {
    return PolicyKind.ofKind(ref.kind()).map(kind -> named(kind.type(), kind.namespaced(), ref));
  }

  private <T extends HasMetadata> Resource<? extends HasMetadata> named(
      Class<T> type, boolean namespaced, ObjectRef ref) {
    var all = client.resources(type);
    return namespaced
        ? all.inNamespace(ref.namespace()).withName(ref.name())
        : all.withName(ref.name());
  }

  /** Git's name, labels and annotations, plus ownership; nothing the server or others set. */
  private static ObjectMeta metadata(ObjectMeta fromGit, ObjectRef at, SourceId owner) {
    Map<String, String> labels =
        new HashMap<>(Optional.ofNullable(fromGit.getLabels()).orElse(Map.of()));
    labels.put(SourceId.MANAGED_BY_LABEL, SourceId.MANAGED_BY);
    Map<String, String> annotations =
        new HashMap<>(Optional.ofNullable(fromGit.getAnnotations()).orElse(Map.of()));
    annotations.put(SourceId.ANNOTATION, owner.toString());
    return new ObjectMetaBuilder()
        .withName(at.name())
        .withNamespace(at.namespace().isEmpty() ? null : at.namespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .build();
  }
}
