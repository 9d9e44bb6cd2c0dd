package io.palisade.node.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Remembers whether /sys/fs/bpf had a bpffs before a test, so that a test which caused the mount
 * (the datapath mounts one when it is missing) can unmount it again.
 */
public final class BpfFsGuard implements AutoCloseable {

  private final boolean wasMounted = isMounted();

  public static boolean isMounted() {
    try {
      return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
          .map(l -> l.split(" "))
          .anyMatch(f -> f[1].equals("/sys/fs/bpf") && f[2].equals("bpf"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (!wasMounted && isMounted()) {
      Sh.run("umount", "/sys/fs/bpf");
    }
  }
}
