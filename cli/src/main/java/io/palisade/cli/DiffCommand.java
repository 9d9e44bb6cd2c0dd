package io.palisade.cli;

import io.palisade.gitops.RepositoryCache;
import io.palisade.gitops.RevisionContent;
import io.palisade.gitops.SourceSync;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.reach.CellPort;
import io.palisade.policy.reach.CellPorts;
import io.palisade.policy.reach.ReachabilityDiff;
import io.palisade.policy.rules.PolicyRule;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code palisade diff}: the pod x pod x port cells whose verdict changes from one set of policies
 * to another (files, or two revisions of a Git path), each with the rule responsible; exit 3 when a
 * cell widens, so CI can gate on it.
 */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description =
        "Print the cells (pod x pod x port) whose verdict changes from --against to --policies, or"
            + " from --from to --to of a Git path; exit 0 when nothing widens, 3 when something"
            + " does.")
final class DiffCommand implements Callable<Integer> {

  /** The exit code when at least one cell widens. */
  static final int WIDENED = 3;

  @Spec CommandSpec spec;

  @Option(
      names = "--policies",
      arity = "1..*",
      paramLabel = "PATH",
      description = "The policies after the change: files or directories.")
  List<Path> policies;

  @Option(
      names = "--against",
      arity = "1..*",
      paramLabel = "PATH",
      description = "The policies before the change: files or directories.")
  List<Path> against;

  @Option(
      names = "--git",
      paramLabel = "URL",
      description = "A Git repository (https://, ssh:// or file://), instead of files.")
  String git;

  @Option(
      names = "--from",
      paramLabel = "REV",
      description =
          "With --git, the revision before: a branch, a tag, refs/heads/B, refs/tags/T or a full"
              + " commit SHA-1.")
  String from;

  @Option(names = "--to", paramLabel = "REV", description = "With --git, the revision after.")
  String to;

  @Option(
      names = "--path",
      defaultValue = "",
      paramLabel = "DIR",
      description = "With --git, the folder of the policies.")
  String path;

  @Option(
      names = "--cache",
      defaultValue = "${java.io.tmpdir}/palisade-git",
      paramLabel = "DIR",
      description = "With --git, where repositories are kept (as standalone mode's --cache).")
  Path cache;

  @Option(
      names = {"--port", "--ports"},
      paramLabel = "N/PROTO,...",
      description =
          "The ports to compare, e.g. 80/TCP,53/UDP (repeatable); default: every container port"
              + " of the cluster's pods and every port the policies name.")
  List<String> ports;

  @Mixin ClusterInput clusterInput;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      paramLabel = "FORMAT",
      description = "table (default), json, yaml or markdown (a pull-request comment).")
  DiffFormat format = DiffFormat.table;

  @Override
  public Integer call() throws Exception {
    List<CellPort> chosen = chosenPorts();
    PrintWriter err = spec.commandLine().getErr();
    Optional<List<List<PolicyRule>>> sides = git == null ? files(err) : revisions(err);
    Optional<ClusterInput.Loaded> cluster = clusterInput.load(err);
    if (sides.isEmpty() || cluster.isEmpty()) {
      return 1;
    }
    List<PolicyRule> before = sides.get().get(0);
    List<PolicyRule> after = sides.get().get(1);
    List<CellPort> cellPorts =
        chosen.isEmpty()
            ? CellPorts.of(cluster.get().contents().cluster(), List.of(before, after))
            : chosen;
    if (cellPorts.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "neither the pods nor the policies name a port: choose them with --port, e.g. 80/TCP");
    }
    ClusterPolicy was = cluster.get().apply(before);
    ClusterPolicy now = cluster.get().apply(after);
    DiffReport report =
        new DiffReport(ReachabilityDiff.changes(was, now, cellPorts), now.pods().size(), cellPorts);
    print(report);
    return report.widened() > 0 ? WIDENED : 0;
  }

  private void print(DiffReport report) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case table -> out.print(report.text());
      case markdown -> out.print(report.markdown());
      case json, yaml -> {
        OutputOption o = new OutputOption();
        o.format = format == DiffFormat.json ? OutputFormat.json : OutputFormat.yaml;
        o.print(out, report.document());
      }
    }
    out.flush();
  }

  /** The files form: {@code --against} before, {@code --policies} after. */
  private Optional<List<List<PolicyRule>>> files(PrintWriter err) throws Exception {
    if (policies == null || against == null || from != null || to != null) {
      throw new ParameterException(
          spec.commandLine(),
          "give --policies and --against (files), or --git with --from and --to");
    }
    LoadResult was = PolicyInputs.load(against, err);
    LoadResult now = PolicyInputs.load(policies, err);
    return was.valid() && now.valid()
        ? Optional.of(List.of(was.policySet().rules(), now.policySet().rules()))
        : Optional.empty();
  }

  /** The Git form: the path at {@code --from} before, at {@code --to} after. */
  private Optional<List<List<PolicyRule>>> revisions(PrintWriter err) {
    if (from == null || to == null || policies != null || against != null) {
      throw new ParameterException(
          spec.commandLine(), "--git takes --from and --to, and no --policies or --against");
    }
    try (RepositoryCache repos = new RepositoryCache(cache)) {
      GitRevisions revs = new GitRevisions(new SourceSync(repos), git, path);
      Optional<RevisionContent> was = revs.read("--from", from, err);
      Optional<RevisionContent> now = revs.read("--to", to, err);
      return was.isPresent() && now.isPresent()
          ? Optional.of(List.of(was.get().policies().rules(), now.get().policies().rules()))
          : Optional.empty();
    }
  }

  private List<CellPort> chosenPorts() {
    List<CellPort> out = new ArrayList<>();
    if (ports != null) {
      for (String p : ports) {
        PortSpec.parseList(p).forEach(s -> out.add(s.cellPort()));
      }
    }
    return out.stream().distinct().toList();
  }
}
