package io.palisade.node.discovery;

import io.palisade.policy.identity.CidrPrefix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the chained CNI plugin records for the daemon: one file per container, named by its
 * container id, with a line {@code ADDRESS HOST_INTERFACE IFINDEX} per pod address. ADD writes the
 * file (atomically), DEL removes it; the daemon reads the directory on each pass.
 */
public final class ChainedRecords {

  /** Where the plugin writes and the daemon reads, unless told otherwise. */
  public static final Path DEFAULT_DIR = Path.of("/run/palisade/cni");

  /** The CNI specification's container id: alphanumerics, underscore, dot and hyphen. */
  private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

  /** One pod address behind one host-side interface, as the plugin saw it on ADD. */
  public record Entry(CidrPrefix address, String hostInterface, int ifindex) {}

  /** An entry and the container whose record holds it. */
  public record Recorded(String containerId, Entry entry) {}

  private ChainedRecords() {}

  /** Writes (or replaces) the record of {@code containerId}. */
  public static void write(Path dir, String containerId, List<Entry> entries) throws IOException {
    Path file = dir.resolve(checkedId(containerId));
    Files.createDirectories(dir);
    StringBuilder sb = new StringBuilder();
    for (Entry e : entries) {
      sb.append(address(e.address()))
          .append(' ')
          .append(e.hostInterface())
          .append(' ')
          .append(e.ifindex())
          .append('\n');
    }
    Path tmp = Files.createTempFile(dir, ".tmp-", "");
    Files.writeString(tmp, sb, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Removes the record of {@code containerId}; false when there was none. */
  public static boolean delete(Path dir, String containerId) throws IOException {
    return Files.deleteIfExists(dir.resolve(checkedId(containerId)));
  }

  /**
   * Every recorded entry by address. A line that does not parse is skipped with its file and line
   * in {@code problems}: one bad record must not hide the others.
   */
  public static Map<CidrPrefix, List<Recorded>> read(Path dir, List<String> problems) {
    Map<CidrPrefix, List<Recorded>> out = new HashMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String id = f.getFileName().toString();
        if (!CONTAINER_ID.matcher(id).matches()) {
          continue; // a temporary file of a write in progress
        }
        List<String> lines;
        try {
          lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
          continue; // removed by a DEL meanwhile
        }
        for (int i = 0; i < lines.size(); i++) {
          parse(lines.get(i))
              .ifPresentOrElse(
                  e ->
                      out.computeIfAbsent(e.address(), a -> new ArrayList<>())
                          .add(new Recorded(id, e)),
                  problemAt(problems, f, i + 1, lines.get(i)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static Runnable problemAt(List<String> problems, Path f, int line, String text) {
    return () -> {
      if (!text.isBlank()) {
        problems.add(f + ":" + line + ": expected ADDRESS INTERFACE IFINDEX, got \"" + text + "\"");
      }
    };
  }

  private static java.util.Optional<Entry> parse(String line) {
    String[] f = line.trim().split("\\s+");
    if (f.length != 3 || !f[2].matches("[0-9]{1,10}")) {
      return java.util.Optional.empty();
    }
    return CidrPrefix.parseAddress(f[0])
        .map(CidrPrefix::host)
        .map(a -> new Entry(a, f[1], (int) Long.parseLong(f[2])));
  }

  private static String address(CidrPrefix p) {
    String s = p.toString();
    int slash = s.indexOf('/');
    return slash < 0 ? s : s.substring(0, slash);
  }

  private static String checkedId(String containerId) {
    if (containerId == null || !CONTAINER_ID.matcher(containerId).matches()) {
      throw new IllegalArgumentException(
          "CNI_CONTAINERID: \""
              + containerId
              + "\" is not a container id (letters, digits, _ . -)");
    }
    return containerId;
  }
}
