package io.palisade.node.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Attaches programs to the tc ingress and egress hooks of one interface (cls_bpf on a clsact
 * qdisc). Attaching replaces Palisade's filter at the same handle and priority atomically, so a
 * restarted daemon swaps in its programs without a moment unfiltered. Detaching removes only
 * Palisade's filters, never the qdisc, which other tools may share.
 */
public final class TcAttachment {

  /** Palisade's filter handle and priority on each hook. */
  public static final int HANDLE = 0x7a1;

  public static final int PRIORITY = 0x7a1;

  /** A tc hook point of an interface. */
  public enum Hook {
    INGRESS(LibBpf.BPF_TC_INGRESS),
    EGRESS(LibBpf.BPF_TC_EGRESS);

    private final int attachPoint;

    Hook(int attachPoint) {
      this.attachPoint = attachPoint;
    }
  }

  private TcAttachment() {}

  /** Attaches (or replaces) {@code progFd} on {@code hook} of {@code ifindex}; returns its id. */
  public static int attach(int ifindex, Hook hook, int progFd) {
    try (Arena arena = Arena.ofConfined()) {
      ensureClsact(arena, ifindex);
      MemorySegment h = hook(arena, ifindex, hook);
      MemorySegment o = opts(arena);
      LibBpf.setInt(o, LibBpf.TC_OPTS, "prog_fd", progFd);
      LibBpf.setInt(o, LibBpf.TC_OPTS, "flags", LibBpf.BPF_TC_F_REPLACE);
      BpfException.check(
          "bpf_tc_attach(ifindex " + ifindex + ", " + hook + ")",
          (int) LibBpf.TC_ATTACH.invokeExact(h, o));
      return LibBpf.getInt(o, LibBpf.TC_OPTS, "prog_id");
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /**
   * Creates the clsact qdisc unless it is there. Asking tc first keeps the kernel from logging an
   * exclusivity error for every attach to an interface that already has one.
   */
  private static void ensureClsact(Arena arena, int ifindex) throws Throwable {
    if (query(ifindex, Hook.INGRESS) != 0 || query(ifindex, Hook.EGRESS) != 0) {
      return;
    }
    MemorySegment both = LibBpf.opts(arena, LibBpf.TC_HOOK);
    LibBpf.setInt(both, LibBpf.TC_HOOK, "ifindex", ifindex);
    LibBpf.setInt(
        both, LibBpf.TC_HOOK, "attach_point", LibBpf.BPF_TC_INGRESS | LibBpf.BPF_TC_EGRESS);
    int rc = (int) LibBpf.TC_HOOK_CREATE.invokeExact(both);
    if (rc < 0 && rc != -Errno.EEXIST) {
      BpfException.check("bpf_tc_hook_create(ifindex " + ifindex + ")", rc);
    }
  }

  /** The id of the program Palisade has on {@code hook} of {@code ifindex}, or 0 for none. */
  public static int query(int ifindex, Hook hook) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment o = opts(arena);
      int rc = (int) LibBpf.TC_QUERY.invokeExact(hook(arena, ifindex, hook), o);
      if (rc == -Errno.ENOENT || rc == -Errno.EINVAL) {
        return 0;
      }
      BpfException.check("bpf_tc_query(ifindex " + ifindex + ")", rc);
      return LibBpf.getInt(o, LibBpf.TC_OPTS, "prog_id");
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** Removes Palisade's filter from {@code hook}; false when there was none. */
  public static boolean detach(int ifindex, Hook hook) {
    try (Arena arena = Arena.ofConfined()) {
      int rc = (int) LibBpf.TC_DETACH.invokeExact(hook(arena, ifindex, hook), opts(arena));
      if (rc == -Errno.ENOENT || rc == -Errno.EINVAL) {
        return false;
      }
      BpfException.check("bpf_tc_detach(ifindex " + ifindex + ")", rc);
      return true;
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  private static MemorySegment hook(Arena arena, int ifindex, Hook hook) {
    MemorySegment h = LibBpf.opts(arena, LibBpf.TC_HOOK);
    LibBpf.setInt(h, LibBpf.TC_HOOK, "ifindex", ifindex);
    LibBpf.setInt(h, LibBpf.TC_HOOK, "attach_point", hook.attachPoint);
    return h;
  }

  private static MemorySegment opts(Arena arena) {
    MemorySegment o = LibBpf.opts(arena, LibBpf.TC_OPTS);
    LibBpf.setInt(o, LibBpf.TC_OPTS, "handle", HANDLE);
    LibBpf.setInt(o, LibBpf.TC_OPTS, "priority", PRIORITY);
    return o;
  }
}
