package io.palisade.xds;

/**
 * The socket mark of the proxies' upstream connections, so the datapath recognises traffic that has
 * already been through a proxy and does not redirect it again. The datapath must use the same
 * value.
 */
public final class ProxyMark {

  /** Cilium marks proxy traffic 0x0A00 / 0x0B00 in the same byte; Palisade takes 0x0B00. */
  public static final int FROM_PROXY = 0x0B00;

  /** {@code SOL_SOCKET} and {@code SO_MARK} of Linux, as Envoy's socket options name them. */
  static final int SOL_SOCKET = 1;

  static final int SO_MARK = 36;

  private ProxyMark() {}
}
