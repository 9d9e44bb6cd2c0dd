package io.palisade.proxy;

/**
 * Told of every request the proxy decides. Called on the proxy's event loop threads, concurrently
 * for different connections: an implementation must be thread-safe and must not block.
 */
@FunctionalInterface
public interface ProxyEventListener {

  ProxyEventListener NONE = e -> {};

  void onRequest(ProxyEvent event);
}
