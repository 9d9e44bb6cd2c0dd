package io.palisade.node;

import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.Uninstall;
import io.palisade.node.stream.StreamOptions;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code palisade-node uninstall [--pin-root DIR] [--state-file FILE] [--dry-run]}: what the
 * cleanup DaemonSet of kustomize/uninstall runs on each node, and the daemon's preStop hook with
 * {@code --dry-run} (which lists what stays). Exit 0 when done, 1 when something could not be
 * removed, 2 on a usage error.
 */
@Command(
    name = "uninstall",
    mixinStandardHelpOptions = true,
    versionProvider = io.palisade.node.cli.VersionProvider.class,
    synopsisHeading = "usage: ",
    description = {
      "Detaches Palisade's tc programs from every interface of this network namespace (the pod"
          + " veths), removes the maps pinned under --pin-root and the state file. --dry-run only"
          + " lists them."
    })
public final class UninstallCommand implements Callable<Integer> {

  @Option(names = "--pin-root", paramLabel = "DIR", description = "Where the maps are pinned.")
  Path pinRoot = Datapath.DEFAULT_PIN_ROOT;

  @Option(
      names = "--state-file",
      paramLabel = "FILE",
      description = "The stream mode's state (default /run/palisade/node-state.pb).")
  Path stateFile = StreamOptions.DEFAULT_STATE_FILE;

  @Option(names = "--dry-run", description = "List what would be removed, remove nothing.")
  boolean dryRun;

  private PrintStream out = System.out;
  private PrintStream err = System.err;

  /** Runs {@code uninstall ARGS} on its own (the {@code palisade} CLI names it too). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    UninstallCommand command = new UninstallCommand();
    command.out = out;
    command.err = err;
    return new CommandLine(command)
        .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
        .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
        .execute(args);
  }

  @Override
  public Integer call() {
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
