package io.palisade.node.harness;

import io.palisade.node.bpf.Libc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A bpf filesystem of its own, mounted on a new directory and unmounted on close, so that pins made
 * there never meet the machine's /sys/fs/bpf (nor another run's).
 */
public final class ScratchBpfFs implements AutoCloseable {

  private final Path dir;

  private ScratchBpfFs(Path dir) {
    this.dir = dir;
  }

  public static ScratchBpfFs mount(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      Libc.mountBpfFs(dir.toString());
      return new ScratchBpfFs(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The mount point; pin roots go below it. */
  public Path dir() {
    return dir;
  }

  @Override
  public void close() {
    Sh.run("umount", dir.toString());
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
