package io.palisade.proxy;

import io.palisade.xds.ProxyMark;
import java.net.InetSocketAddress;
import java.util.function.IntUnaryOperator;
import java.util.function.UnaryOperator;

/**
 * How the embedded proxy runs. {@code bindAddress} overrides the listeners' own addresses when set
 * (empty: as the listener says); {@code transparent} sets IP_TRANSPARENT on listening sockets;
 * {@code upstreamMark} is the SO_MARK of upstream sockets (0: none). A socket option that cannot be
 * set fails the bind or the connection, never silently. The last three are hooks for tests on
 * loopback, where nothing redirects: the port to bind for a listener's port, the original
 * destination of an accepted connection from its local address (identity: the socket is
 * transparent), and the address to connect for an original destination.
 */
public record ProxyOptions(
    String bindAddress,
    boolean transparent,
    int upstreamMark,
    ProxyEventListener events,
    int workerThreads,
    IntUnaryOperator bindPort,
    OriginalDestination originalDestination,
    UnaryOperator<InetSocketAddress> upstreamAddress) {

  /** The node daemon's settings: transparent listeners, upstreams marked as already proxied. */
  public static ProxyOptions defaults() {
    return new ProxyOptions(
        "",
        true,
        ProxyMark.FROM_PROXY,
        ProxyEventListener.NONE,
        1,
        IntUnaryOperator.identity(),
        (local, remote) -> local,
        UnaryOperator.identity());
  }

  public ProxyOptions withBindAddress(String address) {
    return new ProxyOptions(
        address,
        transparent,
        upstreamMark,
        events,
        workerThreads,
        bindPort,
        originalDestination,
        upstreamAddress);
  }

  public ProxyOptions withTransparent(boolean on) {
    return new ProxyOptions(
        bindAddress,
        on,
        upstreamMark,
        events,
        workerThreads,
        bindPort,
        originalDestination,
        upstreamAddress);
  }

  public ProxyOptions withUpstreamMark(int mark) {
    return new ProxyOptions(
        bindAddress,
        transparent,
        mark,
        events,
        workerThreads,
        bindPort,
        originalDestination,
        upstreamAddress);
  }

  public ProxyOptions withEvents(ProxyEventListener listener) {
    return new ProxyOptions(
        bindAddress,
        transparent,
        upstreamMark,
        listener,
        workerThreads,
        bindPort,
        originalDestination,
        upstreamAddress);
  }

  public ProxyOptions withWorkerThreads(int n) {
    return new ProxyOptions(
        bindAddress,
        transparent,
        upstreamMark,
        events,
        n,
        bindPort,
        originalDestination,
        upstreamAddress);
  }

  /** Test hook: the port actually bound for a listener's port (0: any free port). */
  public ProxyOptions withBindPort(IntUnaryOperator f) {
    return new ProxyOptions(
        bindAddress,
        transparent,
        upstreamMark,
        events,
        workerThreads,
        f,
        originalDestination,
        upstreamAddress);
  }

  /** Test hook: the original destination of a connection accepted on a local address. */
  public ProxyOptions withOriginalDestination(OriginalDestination f) {
    return new ProxyOptions(
        bindAddress,
        transparent,
        upstreamMark,
        events,
        workerThreads,
        bindPort,
        f,
        upstreamAddress);
  }

  /** Test hook: where to connect for an original destination. */
  public ProxyOptions withUpstreamAddress(UnaryOperator<InetSocketAddress> f) {
    return new ProxyOptions(
        bindAddress,
        transparent,
        upstreamMark,
        events,
        workerThreads,
        bindPort,
        originalDestination,
        f);
  }

  /**
   * The original destination of an accepted connection. On a transparent socket that the datapath
   * assigned, it is the local address; tests on loopback say what the client asked for.
   */
  @FunctionalInterface
  public interface OriginalDestination {
    InetSocketAddress of(InetSocketAddress local, InetSocketAddress remote);
  }
}
