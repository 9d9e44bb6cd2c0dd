package io.palisade.cli.standalone;

import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyFiles;
import io.palisade.policy.load.PolicyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Policies from files and directories, re-read when a file appears, goes, or changes size or
 * modification time. The revision is a digest of those, so an untouched tree keeps its revision.
 */
public final class FileSnapshots implements SnapshotSource {

  private final List<Path> paths;
  private String lastFingerprint = "";
  private Optional<String> problem = Optional.empty();

  public FileSnapshots(List<Path> paths) {
    this.paths = List.copyOf(paths);
  }

  @Override
  public Optional<PolicySnapshot> poll() {
    String fingerprint;
    try {
      fingerprint = fingerprint();
    } catch (IOException e) {
      problem = Optional.of("cannot list the policy files: " + e.getMessage());
      return Optional.empty();
    }
    problem = Optional.empty();
    if (fingerprint.equals(lastFingerprint)) {
      return Optional.empty();
    }
    lastFingerprint = fingerprint;
    LoadResult loaded = new PolicyLoader().load(paths);
    return Optional.of(PolicySnapshot.of("files@sha256:" + digest(fingerprint), loaded));
  }

  @Override
  public Optional<String> problem() {
    return problem;
  }

  /** Names, sizes and modification times: cheap to take every second. */
  private String fingerprint() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Path f : PolicyFiles.expand(paths)) {
      if (Files.isRegularFile(f)) {
        sb.append(f).append(' ').append(Files.size(f)).append(' ');
        sb.append(Files.getLastModifiedTime(f).toMillis()).append('\n');
      } else {
        sb.append(f).append(" missing\n");
      }
    }
    return sb.toString();
  }

  private static String digest(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes());
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
