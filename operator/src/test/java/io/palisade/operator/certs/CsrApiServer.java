package io.palisade.operator.certs;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fabric8 CRUD mock API server plus the two things a real one does for
 * CertificateSigningRequests that the mock does not: on create it writes who asked into {@code
 * spec.username} and {@code spec.extra} (here the DaemonSet's ServiceAccount, from a pod whose
 * bound token names {@link #requestsFrom}'s node), overwriting whatever the requester wrote; and it
 * takes {@code PUT .../approval}.
 */
final class CsrApiServer extends KubernetesCrudDispatcher implements AutoCloseable {

  private static final String CSRS = "/apis/certificates.k8s.io/v1/certificatesigningrequests";

  private final AtomicReference<Map<String, List<String>>> extra = new AtomicReference<>(Map.of());
  private final KubernetesMockServer server;
  private String username = "";

  CsrApiServer() {
    server =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), this, false);
    server.init();
  }

  KubernetesClient client() {
    return server.createClient();
  }

  /** Requests from now on come from the ServiceAccount, in a pod on {@code node}. */
  void requestsFrom(String namespace, String serviceAccount, String node, String pod) {
    username = "system:serviceaccount:" + namespace + ":" + serviceAccount;
    extra.set(
        Map.of(
            "authentication.kubernetes.io/node-name", List.of(node),
            "authentication.kubernetes.io/pod-name", List.of(pod)));
  }

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    if (!request.getPath().startsWith(CSRS)) {
      return super.handleCreate(request);
    }
    CertificateSigningRequest csr =
        Serialization.unmarshal(request.getUtf8Body(), CertificateSigningRequest.class);
    csr.getSpec().setUsername(username);
    csr.getSpec().setExtra(extra.get());
    return super.handleCreate(with(request, request.getPath(), csr));
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    String path = request.getPath().split("\\?")[0];
    if (path.startsWith(CSRS) && path.endsWith("/approval")) {
      CertificateSigningRequest csr =
          Serialization.unmarshal(request.getUtf8Body(), CertificateSigningRequest.class);
      return super.handleUpdate(
          with(request, path.substring(0, path.length() - "/approval".length()), csr));
    }
    return super.handleUpdate(request);
  }

  private static RecordedRequest with(RecordedRequest r, String path, Object body) {
    return new RecordedRequest(
        r.getHttpVersion(),
        r.method(),
        path,
        r.getHeaders(),
        new Buffer(Serialization.asJson(body).getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void close() {
    server.destroy();
  }
}
