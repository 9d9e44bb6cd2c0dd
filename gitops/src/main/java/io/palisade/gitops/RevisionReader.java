package io.palisade.gitops;

import io.palisade.policy.load.DocumentError;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.load.YamlDocuments;
import io.palisade.policy.validate.PolicyKind;
import io.palisade.policy.validate.ValidatedDocument;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Reads the {@code .yaml}/{@code .yml} files under a source's path at a resolved commit straight
 * from the object store (no work tree), and validates them as one revision with the policy engine's
 * {@link PolicyLoader}: an object defined in two files is an error, and every error of every
 * document is reported at once.
 */
public final class RevisionReader {

  /**
   * Bounds on one revision, so that a hostile or mistaken repository cannot exhaust memory: the
   * number of manifests and their total size. A revision over either is refused as a whole.
   */
  public record Limits(int maxFiles, long maxTotalBytes) {
    public static final Limits DEFAULT = new Limits(5_000, 64L * 1024 * 1024);
  }

  private final PolicyLoader loader = new PolicyLoader();
  private final Limits limits;

  public RevisionReader() {
    this(Limits.DEFAULT);
  }

  public RevisionReader(Limits limits) {
    this.limits = limits;
  }

  /**
   * The revision's policies and quarantined documents.
   *
   * @throws RevisionException when {@code path} does not name a directory at that commit, or the
   *     revision exceeds the {@link Limits}
   * @throws IOException when the repository cannot be read
   */
  public RevisionContent read(Repository repo, Resolved resolved, String path)
      throws RevisionException, IOException {
    List<RevisionContent.Quarantined> quarantined = new ArrayList<>();
    SequencedMap<String, String> texts = new LinkedHashMap<>();
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit commit = walk.parseCommit(resolved.commit());
      try (TreeWalk tree = subtree(repo, commit, path, resolved)) {
        collect(repo, tree, path, resolved, texts, quarantined);
      }
    }
    LoadResult result = loader.load(texts);
    quarantined.addAll(group(result.errors()));
    return new RevisionContent(
        resolved.revision(),
        digest(texts),
        result.policySet(),
        firstValid(result),
        quarantined,
        List.copyOf(texts.keySet()));
  }

  /** Reads each manifest under the tree into {@code texts}, or quarantines it as a file. */
  private void collect(
      Repository repo,
      TreeWalk tree,
      String path,
      Resolved resolved,
      SequencedMap<String, String> texts,
      List<RevisionContent.Quarantined> quarantined)
      throws IOException, RevisionException {
    int files = 0;
    long total = 0;
    while (tree.next()) {
      String file = path.isEmpty() ? tree.getPathString() : path + "/" + tree.getPathString();
      if (!isManifest(file) || tree.getFileMode(0) == FileMode.GITLINK) {
        continue;
      }
      if (++files > limits.maxFiles()) {
        throw new RevisionException(
            resolved.revision()
                + " has more than "
                + limits.maxFiles()
                + " manifests under the path");
      }
      if (tree.getFileMode(0) == FileMode.SYMLINK) {
        quarantined.add(fileProblem(file, "is a symbolic link, which is not followed"));
        continue;
      }
      ObjectLoader blob = repo.open(tree.getObjectId(0));
      total += blob.getSize();
      if (total > limits.maxTotalBytes()) {
        throw new RevisionException(
            resolved.revision()
                + " has more than "
                + limits.maxTotalBytes()
                + " bytes of manifests");
      }
      text(blob)
          .ifPresentOrElse(
              t -> texts.put(file, t),
              () -> quarantined.add(fileProblem(file, "is larger than 8 MiB or not UTF-8")));
    }
  }

  /** Flux-style content digest: {@code sha256:<hex>} over every path and text, in order. */
  private static String digest(SequencedMap<String, String> texts) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      texts.forEach(
          (file, text) -> {
            d.update(file.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(text.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
          });
      return "sha256:" + HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The object an inventory records for a valid document. */
  public static ObjectRef ref(ValidatedDocument doc) {
    return new ObjectRef(group(doc.kind()), doc.kind().kind(), doc.namespace(), doc.name());
  }

  private static TreeWalk subtree(Repository repo, RevCommit commit, String path, Resolved resolved)
      throws IOException, RevisionException {
    TreeWalk walk = new TreeWalk(repo);
    walk.setRecursive(true);
    if (path.isEmpty()) {
      walk.addTree(commit.getTree());
      return walk;
    }
    try (TreeWalk at = TreeWalk.forPath(repo, path, commit.getTree())) {
      if (at == null || at.getFileMode(0) != FileMode.TREE) {
        walk.close();
        throw new RevisionException(
            "spec.path: \"" + path + "\" is not a directory at " + resolved.revision());
      }
      walk.addTree(at.getObjectId(0));
      return walk;
    }
  }

  private static boolean isManifest(String file) {
    String f = file.toLowerCase(Locale.ROOT);
    return f.endsWith(".yaml") || f.endsWith(".yml");
  }

  private static Optional<String> text(ObjectLoader loader) throws IOException {
    if (loader.getSize() > YamlDocuments.MAX_BYTES) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(loader.getCachedBytes(YamlDocuments.MAX_BYTES)))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static RevisionContent.Quarantined fileProblem(String file, String message) {
    return new RevisionContent.Quarantined(file, Optional.empty(), List.of(file + ": " + message));
  }

  /** One quarantine entry per document, holding all of its errors, in the order found. */
  private static List<RevisionContent.Quarantined> group(List<DocumentError> errors) {
    SequencedMap<List<String>, List<DocumentError>> byDoc = new LinkedHashMap<>();
    for (DocumentError e : errors) {
      byDoc
          .computeIfAbsent(
              List.of(e.file(), e.kind(), e.namespace(), e.name()), k -> new ArrayList<>())
          .add(e);
    }
    List<RevisionContent.Quarantined> out = new ArrayList<>();
    byDoc.forEach(
        (key, errs) -> {
          DocumentError first = errs.getFirst();
          Optional<ObjectRef> object =
              PolicyKind.ofKind(first.kind())
                  .filter(k -> !first.name().isEmpty())
                  .map(k -> new ObjectRef(group(k), k.kind(), first.namespace(), first.name()));
          out.add(
              new RevisionContent.Quarantined(
                  first.file(), object, errs.stream().map(DocumentError::format).toList()));
        });
    return out;
  }

  /** The valid documents that made it into the policy set: the first of each name. */
  private static List<ValidatedDocument> firstValid(LoadResult result) {
    Set<ObjectRef> seen = new HashSet<>();
    return result.documents().stream()
        .filter(ValidatedDocument::valid)
        .filter(d -> seen.add(ref(d)))
        .toList();
  }

  private static String group(PolicyKind kind) {
    return kind == PolicyKind.NETWORK_POLICY ? "networking.k8s.io" : "cilium.io";
  }
}
