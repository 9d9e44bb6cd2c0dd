package io.palisade.node.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** Downcall plumbing shared by the libbpf and libc bindings: symbol lookup and errno capture. */
final class Native {

  static final Linker LINKER = Linker.nativeLinker();
  static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  private Native() {}

  static SymbolLookup library(String soname) {
    return SymbolLookup.libraryLookup(soname, Arena.global());
  }

  static MethodHandle function(SymbolLookup lib, String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(lib.findOrThrow(name), fd);
  }

  /** A handle whose first argument is a call-state segment that receives errno. */
  static MethodHandle functionWithErrno(SymbolLookup lib, String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(lib.findOrThrow(name), fd, CAPTURE_ERRNO);
  }

  static int errno(MemorySegment callState) {
    return (int) ERRNO.get(callState, 0L);
  }

  static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
  static final ValueLayout.OfLong C_SIZE_T = ValueLayout.JAVA_LONG;
  static final java.lang.foreign.AddressLayout C_POINTER = ValueLayout.ADDRESS;

  /** Rethrows whatever a downcall threw; downcalls do not throw checked exceptions. */
  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }
}
