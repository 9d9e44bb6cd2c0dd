package io.palisade.xds;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.controlplane.server.serializer.ProtoResourcesSerializer;

/**
 * Packs each resource object into its {@code Any} once, however many responses carry it. A config
 * is immutable and shared: a node's routes go out on every response of their version (and again on
 * a reconnect), and identical content (every node's cluster) is the same object across nodes. Keyed
 * by identity, so a lookup never compares or hashes message content, and weakly, so an entry goes
 * when no config holds its resource any more.
 */
final class SharedSerializer implements ProtoResourcesSerializer {

  // Guava's weak keys compare by identity.
  private final Cache<Message, Any> packed = CacheBuilder.newBuilder().weakKeys().build();

  @Override
  public Any serialize(Message resource, ApiVersion apiVersion) {
    Any any = packed.getIfPresent(resource);
    if (any == null) {
      any = Any.pack(resource);
      packed.put(resource, any);
    }
    return any;
  }

  /** How many resources are held packed, for tests. */
  long size() {
    packed.cleanUp();
    return packed.size();
  }
}
