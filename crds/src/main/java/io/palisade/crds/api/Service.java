package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A Kubernetes Service peer, by name or by a selector over Service labels. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Service(ServiceName k8sService, ServiceSelector k8sServiceSelector) {

  /** A Service by name; an empty namespace matches every namespace. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServiceName(String serviceName, String namespace) {}

  /** Services whose labels match; an empty namespace matches every namespace. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServiceSelector(LabelSelector selector, String namespace) {}
}
