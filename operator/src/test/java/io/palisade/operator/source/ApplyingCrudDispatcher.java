package io.palisade.operator.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fabric8 mock API server's CRUD mode answers server-side apply patches with 415, so this
 * dispatcher answers them as the API server does for an object with a single field manager: create
 * when absent, else the applied fields replace the object's own (labels and annotations merged,
 * what the apply left out removed). It records every apply's field manager, so tests can check that
 * one manager wrote everything. Test-only: the operator itself always sends real applies.
 */
final class ApplyingCrudDispatcher extends KubernetesCrudDispatcher {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SERVER_FIELDS =
      Set.of("apiVersion", "kind", "metadata", "status");

  final Set<String> applyFieldManagers = ConcurrentHashMap.newKeySet();

  /**
   * The next status write whose body holds this text is answered 409 Conflict, once, as an API
   * server answers a write over a stale object (the client does not retry it); null once it was.
   */
  final AtomicReference<String> refuseStatusWriteWith = new AtomicReference<>();

  ApplyingCrudDispatcher() {
    super(List.of());
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    byte[] body = request.getBody().readByteArray();
    return refused(request, body) ? refusal() : super.handleUpdate(rebuffered(request, body));
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    byte[] body = request.getBody().readByteArray();
    if (refused(request, body)) {
      return refusal();
    }
    request = rebuffered(request, body);
    String type = request.getHeader("Content-Type");
    if (type == null || !type.startsWith("application/apply-patch")) {
      return super.handlePatch(request);
    }
    String path = request.getPath();
    int q = path.indexOf('?');
    String resourcePath = q < 0 ? path : path.substring(0, q);
    String manager = q < 0 ? "" : param(path.substring(q + 1), "fieldManager");
    if (manager.isEmpty()) {
      return new MockResponse().setResponseCode(400).setBody("fieldManager is required for apply");
    }
    applyFieldManagers.add(manager);
    try {
      ObjectNode applied = (ObjectNode) YAML.readTree(request.getUtf8Body());
      MockResponse current = handleGet(resourcePath);
      if (current.code() == 404) {
        String collection = resourcePath.substring(0, resourcePath.lastIndexOf('/'));
        return handleCreate(request(HttpMethod.POST, collection, applied));
      }
      ObjectNode merged = (ObjectNode) JSON.readTree(current.getBody().readUtf8());
      for (Iterator<String> it = merged.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!SERVER_FIELDS.contains(f) && !applied.has(f)) {
          it.remove();
        }
      }
      applied
          .properties()
          .forEach(
              e -> {
                if (!e.getKey().equals("metadata")) {
                  merged.set(e.getKey(), e.getValue());
                }
              });
      ObjectNode meta = (ObjectNode) merged.get("metadata");
      for (String map : List.of("labels", "annotations")) {
        JsonNode mine = applied.path("metadata").path(map);
        if (mine.isObject()) {
          ObjectNode target = meta.has(map) ? (ObjectNode) meta.get(map) : meta.putObject(map);
          target.setAll((ObjectNode) mine);
        }
      }
      return handleUpdate(request(HttpMethod.PUT, resourcePath, merged));
    } catch (IOException | RuntimeException e) {
      return new MockResponse().setResponseCode(400).setBody(String.valueOf(e.getMessage()));
    }
  }

  /** Whether this is the one status write to refuse, which it then no longer is. */
  private boolean refused(RecordedRequest request, byte[] body) {
    String refuse = refuseStatusWriteWith.get();
    return refuse != null
        && request.getPath().contains("/status")
        && new String(body, StandardCharsets.UTF_8).contains(refuse)
        && refuseStatusWriteWith.compareAndSet(refuse, null);
  }

  private static MockResponse refusal() {
    return new MockResponse().setResponseCode(409).setBody("status write refused once");
  }

  /** The request again, its body read once already. */
  private static RecordedRequest rebuffered(RecordedRequest request, byte[] body) {
    return new RecordedRequest(
        request.getHttpVersion(),
        request.method(),
        request.getPath(),
        request.getHeaders(),
        new Buffer(body));
  }

  private static RecordedRequest request(HttpMethod method, String path, JsonNode body)
      throws IOException {
    return new RecordedRequest(
        "HTTP/1.1",
        method,
        path,
        Headers.builder().add("Content-Type", "application/json").build(),
        new Buffer(JSON.writeValueAsBytes(body)));
  }

  private static String param(String query, String name) {
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return "";
  }
}
