package io.palisade.node.datapath;

import io.palisade.node.bpf.Libc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Makes sure a bpf filesystem is mounted where pins go, as Cilium's agent does at start. */
final class BpfFs {

  static final Path MOUNT_POINT = Path.of("/sys/fs/bpf");

  private BpfFs() {}

  static boolean isMounted(Path mountPoint) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
        String[] f = line.split(" ");
        if (f.length > 2 && f[2].equals("bpf") && f[1].equals(mountPoint.toString())) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Mounts bpffs on /sys/fs/bpf when a pin root below it has no bpffs yet. */
  static void ensureFor(Path pinRoot) {
    if (pinRoot.startsWith(MOUNT_POINT) && !isMounted(MOUNT_POINT)) {
      Libc.mountBpfFs(MOUNT_POINT.toString());
    }
  }
}
