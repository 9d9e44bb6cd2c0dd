package io.palisade.cli;

import io.palisade.cli.standalone.StandaloneCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code palisade}: validate policies, trace a flow, print who may reach whom. */
@Command(
    name = "palisade",
    mixinStandardHelpOptions = true,
    version = "palisade 0.1.0",
    description = "Cilium-language network policies: validate, trace, matrix.",
    subcommands = {
      ValidateCommand.class,
      TraceCommand.class,
      MatrixCommand.class,
      StandaloneCommand.class
    })
public final class Palisade {

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("node-daemon")) {
      // The daemon's own options and lifetime: it runs until killed.
      io.palisade.node.stream.NodeStreamDaemon.main(
          java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("uninstall")) {
      // The node daemon's: detach the tc programs, remove the pins and the state file.
      System.exit(
          io.palisade.node.UninstallCommand.run(
              java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
    }
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code; usage errors are 2, never a stack trace. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs a command line writing to {@code out} and {@code err}. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Palisade()).setOut(out).setErr(err);
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr()
              .println("palisade: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          return 2;
        });
    int code = cli.execute(args);
    cli.getOut().flush();
    cli.getErr().flush();
    return code;
  }
}
