package io.palisade.gitops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;

/**
 * One bare repository per URL under a cache directory (a PVC in the operator), shared by every
 * source of that URL and fetched incrementally, never cloned anew per poll. Refs are mirrored with
 * forced updates, so force-pushed history replaces what was fetched before, and refs deleted
 * upstream are pruned. A failed fetch throws {@link FetchException} and leaves the cache as it was.
 */
public final class RepositoryCache implements AutoCloseable {

  /** A fetch that succeeded: the repository, what the ref resolved to, and how long it took. */
  public record Fetched(
      Repository repository, Resolved resolved, Duration took, boolean changedRefs) {}

  private final Path directory;
  private final Map<String, Repository> open = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /**
   * Per URL, the credentials' digest and the transports built for them (SSH clients are costly).
   */
  private final Map<String, Map.Entry<String, Transports>> transports = new ConcurrentHashMap<>();

  public RepositoryCache(Path directory) {
    this.directory = directory;
  }

  /** The bare repository's directory for a URL: a digest of the URL, so any URL is a safe name. */
  public Path directoryOf(String url) {
    return directory.resolve(digest(url).substring(0, 32) + ".git");
  }

  /**
   * Fetches the refs the source needs into the URL's repository and resolves its ref. Fetches of
   * one URL are serialized; different URLs fetch in parallel.
   *
   * @throws FetchException when the server cannot be reached, refuses, times out, or the ref does
   *     not exist; the repository keeps what it had
   * @throws InvalidSourceException when the source is not valid
   */
  public Fetched fetch(GitSource source) throws FetchException {
    source.requireValid();
    long start = System.nanoTime();
    synchronized (locks.computeIfAbsent(source.url(), u -> new Object())) {
      Repository repo = repository(source.url());
      FetchResult result;
      try (Git git = new Git(repo)) {
        FetchCommand fetch =
            git.fetch()
                .setRemote(source.url())
                .setRefSpecs(refSpecs(source.ref()))
                .setRemoveDeletedRefs(true)
                .setTagOpt(TagOpt.NO_TAGS)
                .setTimeout(Math.toIntExact(Math.max(1, source.timeout().toSeconds())));
        transportsFor(source).configure(fetch);
        result = fetch.call();
      } catch (GitAPIException | RuntimeException e) {
        throw new FetchException("fetch of " + source.url() + " failed: " + rootMessage(e), e);
      }
      Resolved resolved = resolve(repo, source.ref());
      boolean changed = !result.getTrackingRefUpdates().isEmpty();
      return new Fetched(repo, resolved, Duration.ofNanos(System.nanoTime() - start), changed);
    }
  }

  /** The transports for the source, reused while its URL's credentials stay the same. */
  private Transports transportsFor(GitSource source) throws FetchException {
    String key =
        digest(String.valueOf(source.credentials().map(RepositoryCache::secretKey).orElse("")));
    Map.Entry<String, Transports> current = transports.get(source.url());
    if (current != null && current.getKey().equals(key)) {
      return current.getValue();
    }
    Transports t = Transports.forSource(source, directory.resolve(".ssh-home"));
    Map.Entry<String, Transports> old = transports.put(source.url(), Map.entry(key, t));
    if (old != null) {
      old.getValue().close();
    }
    return t;
  }

  /** What identifies credentials, secrets included (only ever digested). */
  private static String secretKey(Credentials c) {
    return switch (c) {
      case Credentials.Basic b -> "basic\0" + b.username() + "\0" + b.password();
      case Credentials.Token t -> "token\0" + t.token();
      case Credentials.SshKey k ->
          "ssh\0" + k.identity() + "\0" + k.passphrase().orElse("") + "\0" + k.knownHosts();
    };
  }

  /**
   * Resolves a ref in what was last fetched, without contacting the server.
   *
   * @throws FetchException when the ref is not in the repository
   */
  public Resolved resolve(Repository repo, GitRef ref) throws FetchException {
    try (RevWalk walk = new RevWalk(repo)) {
      return switch (ref) {
        case GitRef.Branch b ->
            new Resolved(
                b.name(),
                commitOf(walk, exact(repo, Constants.R_HEADS + b.name())),
                Optional.empty());
        case GitRef.Tag t -> tag(walk, t.name(), exact(repo, Constants.R_TAGS + t.name()));
        case GitRef.SemVer s -> highest(repo, walk, SemVerRange.parse(s.range()));
        case GitRef.Commit c ->
            new Resolved(c.sha(), commitOf(walk, ObjectId.fromString(c.sha())), Optional.empty());
      };
    } catch (IOException e) {
      throw new FetchException(
          "cannot resolve " + ref.field() + " " + ref.name() + ": " + e.getMessage(), e);
    }
  }

  private static Resolved highest(Repository repo, RevWalk walk, SemVerRange range)
      throws IOException, FetchException {
    Ref best = null;
    SemVer bestVersion = null;
    for (Ref r : repo.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
      Optional<SemVer> v = SemVer.parse(r.getName().substring(Constants.R_TAGS.length()));
      if (v.isPresent()
          && range.test(v.get())
          && (bestVersion == null || v.get().compareTo(bestVersion) > 0)) {
        best = r;
        bestVersion = v.get();
      }
    }
    if (best == null) {
      throw new FetchException("no tag matches semver range '" + range + "'");
    }
    return tag(walk, best.getName().substring(Constants.R_TAGS.length()), best.getObjectId());
  }

  private static Resolved tag(RevWalk walk, String name, ObjectId id)
      throws IOException, FetchException {
    RevObject o = walk.parseAny(id);
    Optional<ObjectId> tagObject = o instanceof RevTag ? Optional.of(o.copy()) : Optional.empty();
    return new Resolved(name, commitOf(walk, id), tagObject);
  }

  private static ObjectId commitOf(RevWalk walk, ObjectId id) throws IOException, FetchException {
    RevObject o = walk.peel(walk.parseAny(id));
    if (!(o instanceof RevCommit c)) {
      throw new FetchException(id.name() + " does not point to a commit");
    }
    return c.copy();
  }

  private static ObjectId exact(Repository repo, String name) throws IOException, FetchException {
    Ref r = repo.exactRef(name);
    if (r == null || r.getObjectId() == null) {
      throw new FetchException(name + " was not found after the fetch");
    }
    return r.getObjectId();
  }

  /**
   * Only what the ref needs: one branch, one tag, every tag for a range, heads and tags for a
   * commit.
   */
  private static List<RefSpec> refSpecs(GitRef ref) {
    return switch (ref) {
      case GitRef.Branch b -> List.of(mirror(Constants.R_HEADS + b.name()));
      case GitRef.Tag t -> List.of(mirror(Constants.R_TAGS + t.name()));
      case GitRef.SemVer s -> List.of(mirror(Constants.R_TAGS + "*"));
      case GitRef.Commit c ->
          List.of(mirror(Constants.R_HEADS + "*"), mirror(Constants.R_TAGS + "*"));
    };
  }

  private static RefSpec mirror(String name) {
    return new RefSpec("+" + name + ":" + name);
  }

  /** The URL's repository, created bare on first use and kept open. */
  public Repository repository(String url) throws FetchException {
    try {
      return open.computeIfAbsent(
          url,
          u -> {
            try {
              Path dir = directoryOf(u);
              boolean exists = Files.isRegularFile(dir.resolve("HEAD"));
              Repository repo =
                  new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
              if (!exists) {
                Files.createDirectories(dir.getParent());
                repo.create(true);
                repo.getConfig().setString("palisade", null, "url", u);
                repo.getConfig().setBoolean("core", null, "logAllRefUpdates", false);
                repo.getConfig().save();
              }
              return repo;
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
    } catch (java.io.UncheckedIOException e) {
      throw new FetchException(
          "cannot open the cache for " + url + ": " + e.getCause().getMessage(), e);
    }
  }

  /**
   * Repacks the URL's repository and drops objects no ref reaches any more (history replaced by a
   * force push), under the same lock as fetches. Run it now and then, e.g. every hundred fetches.
   *
   * @throws FetchException when the repository cannot be repacked; it stays usable
   */
  public void gc(String url) throws FetchException {
    synchronized (locks.computeIfAbsent(url, u -> new Object())) {
      Repository repo = repository(url);
      try (Git git = new Git(repo)) {
        // A cache needs no grace period: nothing else writes to it while the lock is held.
        repo.getConfig().setString("gc", null, "prunePackExpire", "now");
        repo.getConfig().setBoolean("core", null, "logAllRefUpdates", false);
        repo.getConfig().save();
        // GC turns unreachable packed objects into loose ones before pruning loose objects older
        // than the expiry: an expiry just ahead of now drops them in this same run.
        git.gc().setExpire(java.time.Instant.now().plusSeconds(60)).call();
      } catch (GitAPIException | IOException | RuntimeException e) {
        throw new FetchException("gc of " + url + " failed: " + rootMessage(e), e);
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null && !sb.toString().contains(t.getMessage())) {
        sb.append(": ").append(t.getMessage());
      }
    }
    return sb.toString();
  }

  static String digest(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    transports.values().forEach(e -> e.getValue().close());
    transports.clear();
    open.values().forEach(Repository::close);
    open.clear();
  }
}
