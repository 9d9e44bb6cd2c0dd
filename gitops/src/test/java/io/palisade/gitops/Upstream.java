package io.palisade.gitops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The repository users push to: a bare repository under {@code root} (what the test servers serve)
 * and a work tree that commits with the real git CLI, signed with gpg or ssh-keygen when asked, and
 * pushes to it.
 */
public final class Upstream {

  public final Path root;
  public final Path bare;
  public final Path work;
  private final Map<String, String> env = new HashMap<>();
  private final List<String> signing = new ArrayList<>();

  public Upstream(Path dir) throws IOException {
    this.root = Files.createDirectories(dir.resolve("served"));
    this.bare = root.resolve("policies.git");
    this.work = Files.createDirectories(dir.resolve("work"));
    Proc.run(root, env, "git", "init", "-q", "--bare", "-b", "main", bare.toString());
    git("init", "-q", "-b", "main");
    git("config", "user.name", "Policy Author");
    git("config", "user.email", "author@palisade.io");
    git("remote", "add", "origin", bare.toString());
  }

  /** Signs the next commits and tags with this gpg home and key. */
  public Upstream signWithGpg(Gpg gpg, String fingerprint) {
    signing.clear();
    signing.addAll(List.of("-c", "gpg.format=openpgp", "-c", "user.signingkey=" + fingerprint));
    env.put("GNUPGHOME", gpg.home().toString());
    return this;
  }

  /** Signs the next commits and tags with this SSH private key. */
  public Upstream signWithSsh(Path privateKey) {
    signing.clear();
    signing.addAll(List.of("-c", "gpg.format=ssh", "-c", "user.signingkey=" + privateKey));
    return this;
  }

  public Upstream unsigned() {
    signing.clear();
    return this;
  }

  public Upstream write(String file, String text) throws IOException {
    Path p = work.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return this;
  }

  public Upstream delete(String file) throws IOException {
    Files.delete(work.resolve(file));
    return this;
  }

  /** Commits everything and returns the new commit's SHA-1. */
  public String commit(String message) {
    git("add", "-A");
    List<String> args = new ArrayList<>(signing);
    args.addAll(List.of("commit", "-q", "--allow-empty", "-m", message));
    if (!signing.isEmpty()) args.add("-S");
    git(args.toArray(String[]::new));
    return git("rev-parse", "HEAD").strip();
  }

  public void tag(String name, boolean annotated) {
    List<String> args = new ArrayList<>(signing);
    args.add("tag");
    if (!signing.isEmpty()) args.addAll(List.of("-s", "-m", "release " + name));
    else if (annotated) args.addAll(List.of("-a", "-m", "release " + name));
    args.add(name);
    git(args.toArray(String[]::new));
  }

  public void push() {
    git("push", "-q", "--force", "--tags", "origin", "HEAD:refs/heads/main");
  }

  public String git(String... args) {
    return Proc.run(work, env, Proc.args("git", List.of(args)));
  }
}
