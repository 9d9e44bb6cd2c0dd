package io.palisade.node.discovery;

import io.palisade.node.bpf.Libc;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;

/**
 * The host-side end of a pod's veth, found from inside the pod's network namespace: the pod
 * interface's peer ifindex ({@code IFLA_LINK}, with a {@code link-netnsid} saying the peer is in
 * another namespace), then the host veth with that ifindex whose own peer is the pod's interface.
 * Both ends must name each other, or there is no answer.
 */
public final class VethPeer {

  private VethPeer() {}

  /**
   * The host veth (in the calling thread's namespace) of interface {@code podInterface} in the
   * network namespace at {@code netnsPath}.
   *
   * @throws IllegalArgumentException saying which check failed
   */
  public static Rtnetlink.Link hostSide(String netnsPath, String podInterface) {
    Rtnetlink.Link pod = inNamespace(netnsPath, podInterface);
    if (!pod.isVeth() || pod.peerNetnsId().isEmpty() || pod.peerIfindex() <= 0) {
      throw new IllegalArgumentException(
          podInterface + " in " + netnsPath + " is not one end of a veth pair reaching the host");
    }
    for (Rtnetlink.Link l : Rtnetlink.links()) {
      if (l.ifindex() == pod.peerIfindex()) {
        if (l.isVeth() && l.peerIfindex() == pod.ifindex() && l.peerNetnsId().isPresent()) {
          return l;
        }
        throw new IllegalArgumentException(
            "ifindex "
                + l.ifindex()
                + " here is "
                + l.name()
                + ", not the peer of "
                + podInterface
                + " in "
                + netnsPath);
      }
    }
    throw new IllegalArgumentException(
        "the peer of "
            + podInterface
            + " (ifindex "
            + pod.peerIfindex()
            + ") is not in this namespace");
  }

  /** Reads the pod's links on a thread moved into its namespace (namespaces are per thread). */
  private static Rtnetlink.Link inNamespace(String netnsPath, String podInterface) {
    try (var thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "cni-netns"))) {
      List<Rtnetlink.Link> links =
          thread
              .submit(
                  () -> {
                    int fd = Libc.openReadOnly(netnsPath);
                    try {
                      Libc.setns(fd, Libc.CLONE_NEWNET);
                    } finally {
                      Libc.close(fd);
                    }
                    return Rtnetlink.links();
                  })
              .get();
      return links.stream()
          .filter(l -> l.name().equals(podInterface))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "no interface " + podInterface + " in " + netnsPath));
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
