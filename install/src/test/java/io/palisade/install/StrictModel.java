package io.palisade.install;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The built-in kinds, read with fabric8's model and nothing else: every fabric8 class keeps unknown
 * fields in an "additional properties" map, which this mapper takes away, so that a field the model
 * does not know fails with FAIL_ON_UNKNOWN_PROPERTIES and its path, as the API server's strict
 * field validation would.
 */
final class StrictModel {

  static final List<Class<? extends HasMetadata>> KINDS =
      List.of(
          Namespace.class,
          ServiceAccount.class,
          Service.class,
          ConfigMap.class,
          Secret.class,
          Deployment.class,
          DaemonSet.class,
          PodDisruptionBudget.class,
          ClusterRole.class,
          ClusterRoleBinding.class,
          Role.class,
          RoleBinding.class,
          ValidatingWebhookConfiguration.class,
          CustomResourceDefinition.class);

  private static final Map<String, Class<? extends HasMetadata>> BY_TYPE =
      KINDS.stream()
          .collect(
              java.util.stream.Collectors.toMap(
                  c -> HasMetadata.getApiVersion(c) + "/" + HasMetadata.getKind(c), c -> c));

  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .registerModule(
              new SimpleModule()
                  .setDeserializerModifier(
                      new BeanDeserializerModifier() {
                        @Override
                        public BeanDeserializerBuilder updateBuilder(
                            DeserializationConfig config,
                            BeanDescription description,
                            BeanDeserializerBuilder builder) {
                          builder.setAnySetter(null);
                          builder.setIgnoreUnknownProperties(false);
                          return builder;
                        }
                      }));

  private StrictModel() {}

  /** Whether fabric8's model has a class for this object's apiVersion and kind. */
  static boolean knows(JsonNode object) {
    return BY_TYPE.containsKey(type(object));
  }

  /** Every problem of a built-in object (empty when it reads cleanly). */
  static List<String> check(JsonNode object) {
    Class<? extends HasMetadata> type = BY_TYPE.get(type(object));
    if (type == null) {
      return List.of("no model for " + type(object));
    }
    return read(object, type).stream().toList();
  }

  /** An object's metadata, read as strictly: custom resources' schemas leave it to the server. */
  static Optional<String> checkMetadata(JsonNode metadata) {
    return read(metadata, ObjectMeta.class);
  }

  private static Optional<String> read(JsonNode node, Class<?> type) {
    try {
      STRICT.treeToValue(node, type);
      return Optional.empty();
    } catch (Exception e) {
      return Optional.of(
          Stream.of(e.getMessage().split("\n")).findFirst().orElse("")
              + " at "
              + path(e.getMessage()));
    }
  }

  /** Jackson's reference chain, which names the field's path. */
  private static String path(String message) {
    int at = message.indexOf("(through reference chain:");
    return at < 0 ? "?" : message.substring(at).strip();
  }

  static String type(JsonNode object) {
    return object.path("apiVersion").asText() + "/" + object.path("kind").asText();
  }
}
