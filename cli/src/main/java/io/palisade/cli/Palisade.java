package io.palisade.cli;

import io.palisade.cli.standalone.StandaloneCommand;
import io.palisade.node.cli.CompletionCommand;
import io.palisade.node.cli.VersionProvider;
import io.palisade.node.stream.NodeDaemonCommand;
import java.io.PrintWriter;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code palisade}: validate policies, trace a flow, print who may reach whom, run standalone or as
 * the node daemon of a cluster.
 */
@Command(
    name = "palisade",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Cilium-language network policies: validate, trace, matrix, diff.",
    subcommands = {
      ValidateCommand.class,
      TraceCommand.class,
      MatrixCommand.class,
      DiffCommand.class,
      ObserveCommand.class,
      StandaloneCommand.class,
      NodeDaemonCommand.class,
      io.palisade.node.UninstallCommand.class,
      CompletionCommand.class
    })
public final class Palisade {

  public static void main(String[] args) {
    if (args.length > 0 && SHORT.containsKey(args[0])) {
      PreparedLoader.start();
    }
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code; usage errors are 2, never a stack trace. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /**
   * The short commands, whose start time people notice: for them only their own model is built,
   * under a root of the same name and options; picocli's reflection over every command and option
   * of the whole tree costs several hundred milliseconds before anything runs.
   */
  private static final Map<String, Supplier<Object>> SHORT =
      Map.of(
          "validate", ValidateCommand::new,
          "trace", TraceCommand::new,
          "matrix", MatrixCommand::new,
          "diff", DiffCommand::new);

  /** The root of a short command: {@code palisade} with its standard options, no subcommands. */
  @Command(
      name = "palisade",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class)
  static final class ShortRoot {}

  static CommandLine commandLine(String... args) {
    if (args.length > 0 && SHORT.containsKey(args[0])) {
      return new CommandLine(new ShortRoot()).addSubcommand(args[0], SHORT.get(args[0]).get());
    }
    return new CommandLine(new Palisade());
  }

  /** Runs a command line writing to {@code out} and {@code err}. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine(args).setOut(out).setErr(err);
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
