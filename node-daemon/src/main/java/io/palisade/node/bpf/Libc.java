package io.palisade.node.bpf;

import static io.palisade.node.bpf.Native.C_INT;
import static io.palisade.node.bpf.Native.C_POINTER;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The few libc calls the daemon needs: interface names, bpffs mounting, namespaces, locks, close.
 */
public final class Libc {

  private static final SymbolLookup LIBC = Native.LINKER.defaultLookup();
  private static final MethodHandle IF_NAMETOINDEX =
      Native.functionWithErrno(LIBC, "if_nametoindex", FunctionDescriptor.of(C_INT, C_POINTER));
  private static final MethodHandle MOUNT =
      Native.functionWithErrno(
          LIBC,
          "mount",
          FunctionDescriptor.of(
              C_INT,
              C_POINTER,
              C_POINTER,
              C_POINTER,
              java.lang.foreign.ValueLayout.JAVA_LONG,
              C_POINTER));
  private static final MethodHandle SETNS =
      Native.functionWithErrno(LIBC, "setns", FunctionDescriptor.of(C_INT, C_INT, C_INT));
  private static final MethodHandle OPEN =
      Native.functionWithErrno(LIBC, "open", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
  private static final MethodHandle FLOCK =
      Native.functionWithErrno(LIBC, "flock", FunctionDescriptor.of(C_INT, C_INT, C_INT));
  private static final MethodHandle CLOSE =
      Native.function(LIBC, "close", FunctionDescriptor.of(C_INT, C_INT));
  private static final MethodHandle IF_NAMEINDEX =
      Native.functionWithErrno(LIBC, "if_nameindex", FunctionDescriptor.of(C_POINTER));
  private static final MethodHandle IF_FREENAMEINDEX =
      Native.function(LIBC, "if_freenameindex", FunctionDescriptor.ofVoid(C_POINTER));

  /** {@code struct if_nameindex}: an unsigned index, padding, a pointer to the name. */
  private static final long IF_NAMEINDEX_SIZE = 16;

  /** CLONE_NEWNET, for {@link #setns}. */
  public static final int CLONE_NEWNET = 0x40000000;

  private Libc() {}

  /** The index of a network interface in the calling thread's network namespace. */
  public static int ifNameToIndex(String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Native.CALL_STATE);
      int index = (int) IF_NAMETOINDEX.invokeExact(state, arena.allocateFrom(name));
      if (index == 0) {
        throw new BpfException("if_nametoindex(" + name + ")", Native.errno(state));
      }
      return index;
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /**
   * The index of interface {@code name} in the calling thread's network namespace, or empty when
   * there is none (a pod's veth that went away).
   */
  public static java.util.Optional<Integer> ifIndexOf(String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Native.CALL_STATE);
      int index = (int) IF_NAMETOINDEX.invokeExact(state, arena.allocateFrom(name));
      return index == 0 ? java.util.Optional.empty() : java.util.Optional.of(index);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /**
   * The names of the network interfaces of the calling thread's network namespace (if_nameindex
   * asks the kernel over netlink, so a thread inside a test namespace sees that namespace's).
   */
  public static java.util.List<String> interfaceNames() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Native.CALL_STATE);
      MemorySegment list = (MemorySegment) IF_NAMEINDEX.invokeExact(state);
      if (list.equals(MemorySegment.NULL)) {
        throw new BpfException("if_nameindex()", Native.errno(state));
      }
      try {
        java.util.List<String> names = new java.util.ArrayList<>();
        MemorySegment entries = list.reinterpret(Long.MAX_VALUE);
        for (long off = 0; ; off += IF_NAMEINDEX_SIZE) {
          int index = entries.get(java.lang.foreign.ValueLayout.JAVA_INT, off);
          if (index == 0) {
            return names;
          }
          MemorySegment name = entries.get(java.lang.foreign.ValueLayout.ADDRESS, off + 8);
          names.add(name.reinterpret(256).getString(0));
        }
      } finally {
        IF_FREENAMEINDEX.invokeExact(list);
      }
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** Mounts a bpf filesystem at {@code target}. */
  public static void mountBpfFs(String target) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Native.CALL_STATE);
      MemorySegment bpf = arena.allocateFrom("bpf");
      int rc =
          (int)
              MOUNT.invokeExact(
                  state, bpf, arena.allocateFrom(target), bpf, 0L, MemorySegment.NULL);
      if (rc != 0) {
        throw new BpfException("mount bpffs at " + target, Native.errno(state));
      }
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /**
   * Moves the calling thread into the namespace {@code fd} refers to. Network namespaces are per
   * thread, so one platform thread can serve as a handle into a namespace.
   */
  public static void setns(int fd, int nstype) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Native.CALL_STATE);
      int rc = (int) SETNS.invokeExact(state, fd, nstype);
      if (rc != 0) {
        throw new BpfException("setns", Native.errno(state));
      }
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** Opens {@code path} read-only (O_RDONLY | O_CLOEXEC) and returns the descriptor. */
  public static int openReadOnly(String path) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Native.CALL_STATE);
      int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), 0x80000);
      if (fd < 0) {
        throw new BpfException("open(" + path + ")", Native.errno(state));
      }
      return fd;
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** flock(2) operations. */
  private static final int LOCK_EX = 2;

  private static final int LOCK_NB = 4;
  private static final int EWOULDBLOCK = 11;

  /**
   * Takes an exclusive flock(2) on {@code fd} without waiting: false when another open file holds
   * it. The lock belongs to the open file, so a second open in this very process is refused too,
   * and it goes when the descriptor is closed or the process dies.
   */
  public static boolean tryLockExclusive(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Native.CALL_STATE);
      int rc = (int) FLOCK.invokeExact(state, fd, LOCK_EX | LOCK_NB);
      if (rc == 0) {
        return true;
      }
      int errno = Native.errno(state);
      if (errno == EWOULDBLOCK) {
        return false;
      }
      throw new BpfException("flock", errno);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** Closes a descriptor this process opened. */
  public static void close(int fd) {
    try {
      int rc = (int) CLOSE.invokeExact(fd);
      if (rc != 0) {
        throw new IllegalStateException("close(" + fd + ") failed");
      }
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }
}
