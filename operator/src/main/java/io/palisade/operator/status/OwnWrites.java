package io.palisade.operator.status;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A reconciler's status writes, each conditional on the resourceVersion of the copy it computed
 * from, and the version each object's last write replaced.
 *
 * <p>The informer's copy can lag behind the operator's own last write. A write computed from that
 * copy must not land: JOSDK's status patch is a JSON patch of list operations by index, computed
 * against the copy, so over a newer status its operations hit the wrong entries (a condition keeps
 * the previous write's status beside the new message). So every write carries the copy's
 * resourceVersion and the API server refuses it (409) when the object changed since, and a
 * reconcile handed the copy that its own last write replaced waits for the cache instead of writing
 * a refusal.
 */
public final class OwnWrites {

  /** How soon an object whose copy was stale is looked at again. */
  public static final Duration STALE_RETRY = Duration.ofMillis(100);

  /**
   * Objects remembered at most; past that the memory starts over. Forgetting only costs a write
   * that the API server then refuses (409), not a wrong one.
   */
  static final int MAX_REMEMBERED = 65_536;

  /**
   * Per object, the resourceVersion its last write replaced. It is kept after the cache catches up
   * (a copy can still be handed over late), until the object is forgotten or written again.
   */
  private final Map<String, String> replaced = new ConcurrentHashMap<>();

  /** Whether {@code copy} is the version that this reconciler's last write to it replaced. */
  public boolean replacedAlready(HasMetadata copy) {
    return copy.getMetadata().getResourceVersion() != null
        && copy.getMetadata().getResourceVersion().equals(replaced.get(key(copy)));
  }

  /**
   * Runs {@code write}, which must be conditional on {@code copy}'s resourceVersion.
   *
   * @return true if it was written; false if the API server refused it because the object changed
   *     since the copy was read (look again after {@link #STALE_RETRY})
   * @throws KubernetesClientException for any other refusal
   */
  public boolean write(HasMetadata copy, Runnable write) {
    String over = copy.getMetadata().getResourceVersion();
    try {
      write.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false;
      }
      throw e;
    }
    if (replaced.size() >= MAX_REMEMBERED) {
      replaced.clear();
    }
    replaced.put(key(copy), over);
    return true;
  }

  /** Forgets {@code object}, deleted. */
  public void forget(HasMetadata object) {
    replaced.remove(key(object));
  }

  private static String key(HasMetadata o) {
    String ns = o.getMetadata().getNamespace();
    return HasMetadata.getKind(o.getClass())
        + "/"
        + (ns == null ? "" : ns)
        + "/"
        + o.getMetadata().getName();
  }
}
