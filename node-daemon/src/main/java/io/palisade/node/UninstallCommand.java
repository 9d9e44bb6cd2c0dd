package io.palisade.node;

import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.Uninstall;
import io.palisade.node.stream.StreamOptions;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code palisade-node uninstall [--pin-root DIR] [--state-file FILE] [--dry-run]}: what the
 * cleanup DaemonSet of kustomize/uninstall runs on each node, and the daemon's preStop hook with
 * {@code --dry-run} (which lists what stays). Exit 0 when done, 1 when something could not be
 * removed, 2 on a usage error.
 */
public final class UninstallCommand {

  static final String USAGE =
      """
      usage: palisade-node uninstall [--pin-root DIR] [--state-file FILE] [--dry-run]
        Detaches Palisade's tc programs from every interface of this network namespace (the pod
        veths), removes the maps pinned under --pin-root (default /sys/fs/bpf/palisade) and the
        state file (default /run/palisade/node-state.pb). --dry-run only lists them.""";

  private UninstallCommand() {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Path pinRoot = Datapath.DEFAULT_PIN_ROOT;
    Path stateFile = StreamOptions.DEFAULT_STATE_FILE;
    boolean dryRun = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--dry-run" -> dryRun = true;
        case "--pin-root", "--state-file" -> {
          if (i + 1 >= args.length) {
            err.println("palisade-node uninstall: " + a + " needs a value\n" + USAGE);
            return 2;
          }
          Path v = Path.of(args[++i]);
          if (a.equals("--pin-root")) {
            pinRoot = v;
          } else {
            stateFile = v;
          }
        }
        case "-h", "--help" -> {
          out.println(USAGE);
          return 0;
        }
        default -> {
          err.println("palisade-node uninstall: unknown argument " + a + "\n" + USAGE);
          return 2;
        }
      }
    }
    try {
      Uninstall.Report r = Uninstall.run(pinRoot, stateFile, dryRun);
      r.lines(pinRoot, stateFile).forEach(l -> out.println("palisade-node: " + l));
      return 0;
    } catch (RuntimeException e) {
      err.println("palisade-node uninstall: " + e.getMessage());
      return 1;
    }
  }
}
