package io.palisade.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * One image layer as a tar, written the same way every time: entries in path order, one timestamp,
 * numeric owners and no user or group names, so the same inputs give the same digest.
 */
final class TarLayer {

  /** The user the operator image runs as: not root, and not an id a Debian package takes. */
  static final int NON_ROOT = 65532;

  private sealed interface Entry permits Directory, Content, FileCopy, Symlink {
    int mode();

    int owner();
  }

  private record Directory(int mode, int owner) implements Entry {}

  private record Content(byte[] bytes, int mode, int owner) implements Entry {}

  private record FileCopy(Path source, int mode, int owner) implements Entry {}

  private record Symlink(String target, int mode, int owner) implements Entry {}

  private final Map<String, Entry> entries = new TreeMap<>();

  /** A directory owned by {@code owner} (user and group), with every missing parent (root's). */
  TarLayer directory(String path, int mode, int owner) {
    parents(path);
    entries.put(normalize(path), new Directory(mode, owner));
    return this;
  }

  /** A file of {@code text}, owned by root. */
  TarLayer file(String path, String text, int mode) {
    parents(path);
    entries.put(normalize(path), new Content(text.getBytes(StandardCharsets.UTF_8), mode, 0));
    return this;
  }

  /** A copy of the file {@code source}, owned by root. */
  TarLayer copy(Path source, String path, int mode) {
    parents(path);
    entries.put(normalize(path), new FileCopy(source, mode, 0));
    return this;
  }

  /**
   * Everything under {@code sourceDir} at {@code targetDir}, owned by root: executables 0755, other
   * files 0644, symbolic links kept as links.
   */
  TarLayer tree(Path sourceDir, String targetDir) throws IOException {
    if (!Files.isDirectory(sourceDir)) {
      throw new IOException(sourceDir + " is not a directory");
    }
    directory(targetDir, 0755, 0);
    try (Stream<Path> walk = Files.walk(sourceDir)) {
      for (Path p : walk.sorted().toList()) {
        if (p.equals(sourceDir)) {
          continue;
        }
        String path = targetDir + "/" + sourceDir.relativize(p).toString().replace('\\', '/');
        if (Files.isSymbolicLink(p)) {
          entries.put(normalize(path), new Symlink(Files.readSymbolicLink(p).toString(), 0777, 0));
        } else if (Files.isDirectory(p)) {
          entries.put(normalize(path), new Directory(0755, 0));
        } else {
          entries.put(normalize(path), new FileCopy(p, executable(p) ? 0755 : 0644, 0));
        }
      }
    }
    return this;
  }

  /** Writes the tar to {@code out}, every entry stamped with {@code epochSeconds}. */
  void write(OutputStream out, long epochSeconds) throws IOException {
    FileTime time = FileTime.fromMillis(epochSeconds * 1000);
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Map.Entry<String, Entry> e : entries.entrySet()) {
        write(tar, e.getKey(), e.getValue(), time);
      }
      tar.finish();
    }
  }

  private static void write(TarArchiveOutputStream tar, String path, Entry e, FileTime time)
      throws IOException {
    TarArchiveEntry t =
        switch (e) {
          case Directory d -> new TarArchiveEntry(path + "/");
          case Symlink s -> {
            TarArchiveEntry l = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK);
            l.setLinkName(s.target());
            yield l;
          }
          case Content c -> sized(path, c.bytes().length);
          case FileCopy f -> sized(path, Files.size(f.source()));
        };
    t.setMode(modeBits(e));
    t.setIds(e.owner(), e.owner());
    t.setUserName("");
    t.setGroupName("");
    t.setLastModifiedTime(time);
    tar.putArchiveEntry(t);
    switch (e) {
      case Content c -> tar.write(c.bytes());
      case FileCopy f -> {
        try (InputStream in = Files.newInputStream(f.source())) {
          in.transferTo(tar);
        }
      }
      default -> {}
    }
    tar.closeArchiveEntry();
  }

  private static TarArchiveEntry sized(String path, long size) {
    TarArchiveEntry t = new TarArchiveEntry(path);
    t.setSize(size);
    return t;
  }

  private static int modeBits(Entry e) {
    int type =
        switch (e) {
          case Directory d -> TarArchiveEntry.DEFAULT_DIR_MODE & ~07777;
          case Symlink s -> 0120000;
          default -> TarArchiveEntry.DEFAULT_FILE_MODE & ~07777;
        };
    return type | e.mode();
  }

  private void parents(String path) {
    String p = normalize(path);
    for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
      entries.putIfAbsent(p.substring(0, i), new Directory(0755, 0));
    }
  }

  private static String normalize(String path) {
    String p = path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty() || p.contains("//") || p.contains("/../") || p.startsWith("../")) {
      throw new IllegalArgumentException("not a path inside the image: \"" + path + "\"");
    }
    return p;
  }

  private static boolean executable(Path p) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    return perms.contains(PosixFilePermission.OWNER_EXECUTE);
  }
}
