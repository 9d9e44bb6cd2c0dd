package io.palisade.node.datapath;

import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.LocalState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A proxy the node daemon does not run ({@code --l7-proxy envoy}: an Envoy of the DaemonSet, fed by
 * the operator's ADS endpoint): a redirect's port is ready while a TCP socket listens on it in the
 * node's network namespace, read from {@code /proc/thread-self/net/tcp} and {@code tcp6}. Envoy
 * binds a listener once it holds its config, so this is weaker than the embedded proxy's readiness:
 * it cannot tell that the routes of the current revision are in force.
 */
public final class ListeningProxy implements NodeProxy {

  private static final String LISTEN = "0A";

  @Override
  public Update prepare(LocalState local, Map<String, Long> ipcache) {
    Set<Integer> ports = new TreeSet<>();
    for (IdentityPolicy p : local.policies().values()) {
      for (Map.Entry<MapStateKey, MapStateEntry> e : p.entries().entrySet()) {
        int port = e.getValue().proxyPort(e.getKey().direction());
        if (port != 0) {
          ports.add(port);
        }
      }
    }
    return new Update() {
      @Override
      public Set<Integer> ports() {
        return Set.copyOf(ports);
      }

      @Override
      public Set<Integer> commit() {
        Set<Integer> ready = listening();
        ready.retainAll(ports);
        return ready;
      }
    };
  }

  @Override
  public boolean changesOnItsOwn() {
    return true;
  }

  /** The TCP ports something listens on in the calling thread's network namespace. */
  static Set<Integer> listening() {
    Set<Integer> out = new TreeSet<>();
    for (String table : new String[] {"tcp", "tcp6"}) {
      Path file = Path.of("/proc/thread-self/net", table);
      if (!Files.exists(file)) {
        continue; // no IPv6 in this kernel
      }
      try {
        for (String line : Files.readAllLines(file)) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 3 && f[3].equals(LISTEN) && f[1].contains(":")) {
            out.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    return out;
  }

  @Override
  public void close() {}
}
