package io.palisade.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Debian root file system as a tar, made by mmdebstrap from Debian's mirrors alone: no container
 * registry is involved, and the packages are checked against Debian's archive keys as apt does. The
 * {@code essential} variant (Essential: yes packages, no apt) plus what an image asks for.
 *
 * @param suite e.g. {@code bookworm}
 * @param mirror the Debian mirror, e.g. {@code http://deb.debian.org/debian}
 * @param securityMirror the security mirror, so that the image carries Debian's security fixes
 * @param epochSeconds SOURCE_DATE_EPOCH: mmdebstrap then stamps every file with it
 */
record DebianRootfs(String suite, String mirror, String securityMirror, long epochSeconds) {

  /**
   * Builds the root file system with {@code packages} and runs {@code customizeHooks} (mmdebstrap
   * {@code --customize-hook} shell commands, {@code $1} being the root) into {@code tar}. A tar
   * built by the same command line is reused, so that a second build needs no mirror.
   */
  Path build(List<String> packages, List<String> customizeHooks, Path tar)
      throws IOException, InterruptedException {
    List<String> cmd = command(packages, customizeHooks, tar);
    Path stamp = tar.resolveSibling(tar.getFileName() + ".cmd");
    String key = String.join("\n", cmd);
    if (Files.exists(tar) && Files.exists(stamp) && Files.readString(stamp).equals(key)) {
      return tar;
    }
    Files.createDirectories(tar.getParent());
    Files.deleteIfExists(stamp);
    Path log = tar.resolveSibling(tar.getFileName() + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SOURCE_DATE_EPOCH", Long.toString(epochSeconds));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException(
          "mmdebstrap is needed to build the images' root file system: apt-get install -y"
              + " mmdebstrap",
          e);
    }
    if (p.waitFor() != 0) {
      throw new IOException(
          "mmdebstrap failed (exit " + p.exitValue() + ") building " + tar + ":\n" + tail(log));
    }
    Files.writeString(stamp, key);
    return tar;
  }

  List<String> command(List<String> packages, List<String> customizeHooks, Path tar) {
    List<String> cmd = new ArrayList<>();
    cmd.add("mmdebstrap");
    cmd.add("--quiet");
    cmd.add("--variant=essential");
    cmd.add("--format=tar");
    if (!packages.isEmpty()) {
      cmd.add("--include=" + String.join(",", packages));
    }
    // Documentation and translations are dead weight in an image; the licences stay.
    for (String dir : List.of("doc", "man", "info", "locale", "lintian", "linda")) {
      cmd.add("--dpkgopt=path-exclude=/usr/share/" + dir + "/*");
    }
    cmd.add("--dpkgopt=path-include=/usr/share/doc/*/copyright");
    cmd.add("--aptopt=Acquire::Retries \"3\"");
    for (String hook : customizeHooks) {
      cmd.add("--customize-hook=" + hook);
    }
    cmd.add(suite);
    cmd.add(tar.toString());
    cmd.add("deb " + mirror + " " + suite + " main");
    cmd.add("deb " + mirror + " " + suite + "-updates main");
    cmd.add("deb " + securityMirror + " " + suite + "-security main");
    return cmd;
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}
