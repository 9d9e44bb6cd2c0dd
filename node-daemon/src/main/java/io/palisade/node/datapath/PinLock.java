package io.palisade.node.datapath;

import io.palisade.node.bpf.Libc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One writer per datapath: an exclusive {@code flock(2)} on the pin directory itself, held for as
 * long as a {@link Datapath} is open. The directory is the shared thing: whichever options two
 * processes were given (state file, node name), the same pins are the same inode and so the same
 * lock. bpffs takes no regular files, which is why no lock file sits beside the pins, and a lock
 * file elsewhere (under /run) would tie the pins to a second path two daemons might not agree on.
 * The kernel drops the lock when the holder dies, so a SIGKILLed daemon never leaves a stale lock
 * behind.
 */
final class PinLock implements AutoCloseable {

  private final int fd;
  private boolean released;

  private PinLock(int fd) {
    this.fd = fd;
  }

  /**
   * Locks {@code pinRoot}, an existing directory.
   *
   * @throws DatapathBusyException when another process (or another open datapath of this one) holds
   *     it
   */
  static PinLock acquire(Path pinRoot) {
    int fd = Libc.openReadOnly(pinRoot.toString());
    boolean locked = false;
    try {
      locked = Libc.tryLockExclusive(fd);
    } finally {
      if (!locked) {
        Libc.close(fd);
      }
    }
    if (!locked) {
      throw new DatapathBusyException(pinRoot, holder(pinRoot));
    }
    return new PinLock(fd);
  }

  /**
   * The process holding the flock on {@code dir}, from /proc/locks: the kernel keeps no owner on
   * the lock itself, but lists each flock with the PID that took it and the inode it is on.
   */
  static Optional<Long> holder(Path dir) {
    try {
      long inode = (Long) Files.getAttribute(dir, "unix:ino");
      long dev = (Long) Files.getAttribute(dir, "unix:dev");
      // glibc's major()/minor() of st_dev; /proc/locks prints the kernel's in hex.
      long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
      long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
      for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
        // "1: FLOCK  ADVISORY  WRITE 4242 00:1f:1234 0 EOF"; waiters carry "->" and are skipped.
        String[] f = line.strip().split("\\s+");
        if (f.length >= 6 && f[1].equals("FLOCK") && f[3].equals("WRITE")) {
          String[] id = f[5].split(":");
          if (id.length == 3
              && id[2].equals(Long.toString(inode))
              && Long.parseLong(id[0], 16) == major
              && Long.parseLong(id[1], 16) == minor) {
            return Optional.of(Long.parseLong(f[4]));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // The holder stays unnamed; the refusal itself stands.
    }
    return Optional.empty();
  }

  /** The command line of process {@code pid}, shortened, or empty when it cannot be read. */
  static Optional<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      String cmd = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
      return cmd.isEmpty()
          ? Optional.empty()
          : Optional.of(cmd.length() > 160 ? cmd.substring(0, 157) + "..." : cmd);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public synchronized void close() {
    if (!released) {
      released = true;
      Libc.close(fd);
    }
  }
}
