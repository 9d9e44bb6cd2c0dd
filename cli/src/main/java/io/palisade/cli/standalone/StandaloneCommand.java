package io.palisade.cli.standalone;

import io.palisade.gitops.GitRef;
import io.palisade.gitops.GitSource;
import io.palisade.gitops.RepositoryCache;
import io.palisade.gitops.SourceSync;
import io.palisade.gitops.TokenBucket;
import io.palisade.gitops.WebhookReceiver;
import io.palisade.gitops.WebhookVerifier;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.ClusterParser;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.parse.FieldError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code palisade standalone}: the whole pipeline without a Kubernetes API. Policies come from
 * files or a Git repository and are re-read when they change; the cluster file is re-read too; each
 * change is validated, resolved, and reported over HTTP.
 */
@Command(
    name = "standalone",
    mixinStandardHelpOptions = true,
    description =
        "Run the policy pipeline from files or Git, re-reading on change; serve /readyz and"
            + " /api/policies on loopback.")
public final class StandaloneCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--policies",
      required = true,
      arity = "1..*",
      paramLabel = "PATH|URL",
      description = "Policy files or directories, or one Git URL (https://, ssh://, file://).")
  List<String> policies;

  @Option(names = "--ref", defaultValue = "main", description = "Git branch (default main).")
  String branch;

  @Option(names = "--tag", description = "Git tag, instead of a branch.")
  String tag;

  @Option(names = "--semver", description = "Git semver range over tags, instead of a branch.")
  String semver;

  @Option(names = "--path", defaultValue = "", description = "Folder of the Git repository.")
  String path;

  @Option(
      names = "--cluster",
      required = true,
      paramLabel = "FILE",
      description = "Namespaces and Pods.")
  Path cluster;

  @Option(names = "--http-port", defaultValue = "9876", description = "Loopback port (0: any).")
  int httpPort;

  @Option(
      names = "--interval",
      description =
          "How often to look for changes (e.g. 500ms, 1s, 1m); default 1s for files, 1m for Git.")
  String interval;

  @Option(
      names = "--cache",
      defaultValue = "${java.io.tmpdir}/palisade-git",
      description = "Where Git repositories are kept between polls.")
  Path cache;

  @Option(
      names = "--webhook-token-file",
      description =
          "With a Git source: a file holding the webhook token; a verified POST to the printed"
              + " /hook/ path syncs at once.")
  Path webhookTokenFile;

  @Option(
      names = "--webhook-type",
      defaultValue = "GITHUB",
      description = "GITHUB (X-Hub-Signature-256), GITLAB (X-Gitlab-Token) or GENERIC_HMAC.")
  WebhookVerifier.Provider webhookType;

  @Option(names = "--once", description = "Read once, print each policy's status, and exit.")
  boolean once;

  @Option(
      names = "--enforce",
      description =
          "Enforce in this network namespace's datapath (root): attach to the host-side veth of"
              + " each pod of the cluster file that has a host route here.")
  boolean enforce;

  @Option(
      names = "--bpf-pins",
      defaultValue = "/sys/fs/bpf/palisade",
      description = "Where the datapath's maps are pinned (with --enforce).")
  Path pins;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Duration every = Durations.parse(interval != null ? interval : isGit() ? "1m" : "1s");
    try (RepositoryCache repos = isGit() ? new RepositoryCache(cache) : null;
        Enforcer enforcer = enforce ? new DatapathEnforcer(pins, out) : Enforcer.NONE) {
      SnapshotSource source = isGit() ? gitSource(repos) : new FileSnapshots(paths());
      Pipeline pipeline = new Pipeline(source, cluster, enforcer, out);
      if (once) {
        pipeline.step();
        pipeline.printStatuses();
        return pipeline.allValid() ? 0 : 1;
      }
      Optional<WebhookReceiver> hook = webhook();
      Semaphore wake = new Semaphore(0);
      try (StatusServer server =
          new StatusServer(httpPort, pipeline.state(), pipeline::readiness, hook, wake::release)) {
        out.println("palisade: standalone on http://127.0.0.1:" + server.port() + "/readyz");
        hook.ifPresent(
            h -> out.println("palisade: webhook at http://127.0.0.1:" + server.port() + h.path()));
        out.flush();
        pipeline.run(every, wake);
      }
    }
    return 0;
  }

  private Optional<WebhookReceiver> webhook() throws IOException {
    if (webhookTokenFile == null) {
      return Optional.empty();
    }
    if (!isGit()) {
      throw new IllegalArgumentException("--webhook-token-file needs a Git URL for --policies");
    }
    String token = Files.readString(webhookTokenFile).strip();
    if (token.isEmpty()) {
      throw new IllegalArgumentException(webhookTokenFile + ": the webhook token is empty");
    }
    return Optional.of(
        new WebhookReceiver(token, "standalone", "", webhookType, new TokenBucket(5, 1)));
  }

  private boolean isGit() {
    if (policies.size() != 1) {
      return false;
    }
    String p = policies.get(0);
    return p.startsWith("https://")
        || p.startsWith("http://")
        || p.startsWith("ssh://")
        || p.startsWith("file://");
  }

  private List<Path> paths() {
    return policies.stream().map(Path::of).toList();
  }

  private SnapshotSource gitSource(RepositoryCache repos) {
    GitRef ref =
        tag != null
            ? GitRef.tag(tag)
            : semver != null ? GitRef.semver(semver) : GitRef.branch(branch);
    GitSource source = GitSource.of(policies.get(0), ref).withPath(path);
    return new GitSnapshots(new SourceSync(repos), source);
  }

  /** One source, one cluster file, and what was last made of them. */
  static final class Pipeline {
    private final SnapshotSource source;
    private final Path clusterFile;
    private final Enforcer enforcer;
    private final PrintWriter out;
    private final PolicyState state = new PolicyState();
    // One allocator for the life of the process: identities (and the datapath's view of them)
    // stay the same from one generation to the next.
    private final InMemoryIdentityAllocator allocator = new InMemoryIdentityAllocator();
    private Cluster cluster = new Cluster(List.of(), List.of());
    private String clusterStamp = "";
    // Generation, revision and place written together: /readyz must never pair a generation in
    // force with the revision of one that is still being applied.
    private volatile Applied applied = new Applied(0, "", "");
    private volatile ClusterPolicy current;

    /** A generation in force: its revision, and where it is enforced. */
    private record Applied(long generation, String revision, String where) {}

    Pipeline(SnapshotSource source, Path clusterFile, Enforcer enforcer, PrintWriter out) {
      this.source = source;
      this.clusterFile = clusterFile;
      this.enforcer = enforcer;
      this.out = out;
    }

    PolicyState state() {
      return state;
    }

    /** The cluster policy of the generation last applied. */
    ClusterPolicy clusterPolicy() {
      return current;
    }

    /** Steps every {@code every}, or at once when {@code wake} is released, until interrupted. */
    void run(Duration every, Semaphore wake) throws Exception {
      while (!Thread.currentThread().isInterrupted()) {
        step();
        // A webhook call ends the wait early; several calls during one poll make one poll.
        if (wake.tryAcquire(every.toMillis(), TimeUnit.MILLISECONDS)) {
          wake.drainPermits();
        }
      }
    }

    /** Reads what changed, and applies it. */
    void step() throws Exception {
      boolean clusterChanged = readCluster();
      Optional<Snapshot> snapshot = source.poll();
      source.problem().ifPresent(p -> out.println("palisade: " + p + " (nothing changes)"));
      snapshot.ifPresent(state::accept);
      if (snapshot.isPresent() || clusterChanged) {
        long generation = state.generation();
        String revision = state.revision();
        ClusterPolicy next = new ClusterPolicy(cluster, state.policySet().rules(), allocator);
        report(generation);
        try {
          String where = enforcer.enforce(next, allocator);
          current = next;
          applied = new Applied(generation, revision, where);
        } catch (Exception e) {
          out.println("palisade: generation " + generation + " not enforced: " + e.getMessage());
        }
      }
      out.flush();
    }

    private boolean readCluster() throws Exception {
      String stamp =
          Files.exists(clusterFile)
              ? Files.size(clusterFile) + "@" + Files.getLastModifiedTime(clusterFile).toMillis()
              : "missing";
      if (stamp.equals(clusterStamp)) {
        return false;
      }
      clusterStamp = stamp;
      ClusterParser.Result parsed = new ClusterParser().parse(clusterFile);
      if (!parsed.errors().isEmpty()) {
        for (FieldError e : parsed.errors()) {
          out.println("palisade: " + clusterFile + ": " + e + " (the last good cluster stays)");
        }
        return false;
      }
      cluster = parsed.cluster();
      return true;
    }

    private void report(long generation) {
      long invalid = state.statuses().stream().filter(s -> !s.valid()).count();
      out.printf(
          "palisade: generation %d at %s: %d policies, %d invalid, %d pods%n",
          generation, state.revision(), state.statuses().size(), invalid, cluster.pods().size());
      for (PolicyStatus s : state.statuses()) {
        for (String e : s.errors()) {
          out.println(
              "palisade:   " + s.key() + ": " + e + (s.inForce() ? " (last good copy kept)" : ""));
        }
      }
      state.fileErrors().forEach(e -> out.println("palisade:   " + e));
    }

    StatusServer.Readiness readiness() {
      long generation = state.generation();
      Applied a = applied;
      boolean ready = generation > 0 && a.generation() == generation;
      String message =
          ready
              ? "ready: generation " + generation + " at " + a.revision()
              : "not ready: generation " + generation + " not applied yet";
      return new StatusServer.Readiness(
          ready, message, enforcer.reason(), a.where() + " at " + a.revision());
    }

    boolean allValid() {
      return state.statuses().stream().allMatch(PolicyStatus::valid)
          && state.fileErrors().isEmpty();
    }

    void printStatuses() {
      for (PolicyStatus s : state.statuses()) {
        out.println(
            s.key() + ": " + (s.valid() ? "Valid" : "Invalid: " + String.join("; ", s.errors())));
      }
    }
  }
}
