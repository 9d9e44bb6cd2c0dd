package io.palisade.node.datapath;

import io.palisade.node.bpf.BpfException;
import io.palisade.node.bpf.Libc;
import io.palisade.node.bpf.TcAttachment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes what the node daemon leaves on purpose when it stops: Palisade's tc filters on the pod
 * veths (found by Palisade's handle and priority on each hook of every interface of the calling
 * thread's network namespace), the proxy redirect's policy routing and helper device ({@link
 * ProxyRouting}), the maps pinned under the pin root, and the state file. The clsact qdiscs stay:
 * other programs (a CNI's, Cilium's) may share them. With {@code dryRun} it only says what it would
 * remove.
 */
public final class Uninstall {

  /** What was (or, in a dry run, would be) removed, and what is left. */
  public record Report(
      boolean dryRun,
      List<String> detached,
      List<String> unpinned,
      List<String> routing,
      boolean stateFileRemoved,
      List<String> leftOver) {

    /** The report as lines for a person (the CLI's output, the pod's termination message). */
    public List<String> lines(Path pinRoot, Path stateFile) {
      List<String> out = new ArrayList<>();
      String verb = dryRun ? "would detach" : "detached";
      if (detached.isEmpty()) {
        out.add("no Palisade programs attached to any interface");
      }
      detached.forEach(d -> out.add(verb + " Palisade's programs from " + d));
      if (unpinned.isEmpty()) {
        out.add("no pinned maps under " + pinRoot);
      } else {
        out.add(
            (dryRun ? "would remove " : "removed ")
                + unpinned.size()
                + " pinned maps under "
                + pinRoot
                + ": "
                + String.join(", ", unpinned));
      }
      out.addAll(routing);
      if (stateFileRemoved) {
        out.add((dryRun ? "would remove " : "removed ") + stateFile);
      }
      leftOver.forEach(l -> out.add("left in place: " + l));
      if (dryRun
          && !(detached.isEmpty()
              && unpinned.isEmpty()
              && routing.isEmpty()
              && !stateFileRemoved)) {
        out.add("all of it stays until `palisade-node uninstall` runs on this node");
      }
      return out;
    }
  }

  private Uninstall() {}

  /** Runs in the calling thread's network namespace (the node's, in the daemon's pod). */
  public static Report run(Path pinRoot, Path stateFile, boolean dryRun) {
    List<String> detached = new ArrayList<>();
    for (String name : Libc.interfaceNames()) {
      List<String> hooks = new ArrayList<>();
      int ifindex;
      try {
        ifindex = Libc.ifNameToIndex(name);
      } catch (BpfException e) {
        continue; // gone since the listing, with its filters
      }
      for (TcAttachment.Hook hook : TcAttachment.Hook.values()) {
        if (TcAttachment.query(ifindex, hook) != 0
            && (dryRun || TcAttachment.detach(ifindex, hook))) {
          hooks.add(hook.name().toLowerCase(java.util.Locale.ROOT));
        }
      }
      if (!hooks.isEmpty()) {
        detached.add(name + " (" + String.join(", ", hooks) + ")");
      }
    }
    List<String> routing = ProxyRouting.uninstall(dryRun);
    List<String> unpinned = new ArrayList<>();
    for (String map : MapNames.ALL) {
      Path pin = pinRoot.resolve(map);
      if (Files.exists(pin)) {
        unpinned.add(map);
        if (!dryRun) {
          delete(pin);
        }
      }
    }
    List<String> leftOver = new ArrayList<>();
    if (Files.isDirectory(pinRoot)) {
      List<String> others = list(pinRoot).stream().filter(n -> !MapNames.ALL.contains(n)).toList();
      if (!others.isEmpty()) {
        leftOver.add("files under " + pinRoot + " that are not Palisade's maps: " + others);
      } else if (!dryRun) {
        delete(pinRoot);
      }
    }
    boolean state = Files.exists(stateFile);
    if (state && !dryRun) {
      delete(stateFile);
    }
    if (!detached.isEmpty()) {
      leftOver.add("the clsact qdiscs of those interfaces (other programs may share them)");
    }
    return new Report(dryRun, detached, unpinned, routing, state, leftOver);
  }

  private static List<String> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + p, e);
    }
  }
}
