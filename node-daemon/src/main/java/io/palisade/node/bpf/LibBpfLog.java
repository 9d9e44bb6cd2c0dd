package io.palisade.node.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Routes libbpf's printf-style log into {@link System.Logger}. The callback gets a format and a
 * {@code va_list}; libc's {@code vsnprintf} renders it (on x86-64 and arm64 a {@code va_list}
 * argument is passed as a pointer). The kernel's netlink error text is logged at DEBUG because the
 * failing call already surfaces as a {@link BpfException}.
 */
final class LibBpfLog {

  private static final System.Logger LOG = System.getLogger("io.palisade.node.libbpf");
  private static final MethodHandle VSNPRINTF =
      Native.function(
          Native.LINKER.defaultLookup(),
          "vsnprintf",
          FunctionDescriptor.of(
              ValueLayout.JAVA_INT,
              ValueLayout.ADDRESS,
              ValueLayout.JAVA_LONG,
              ValueLayout.ADDRESS,
              ValueLayout.ADDRESS));
  private static volatile boolean installed;

  private LibBpfLog() {}

  /** Installs the callback once per process. */
  static synchronized void install(MethodHandle setPrint) {
    if (installed) {
      return;
    }
    try {
      MethodHandle target =
          MethodHandles.lookup()
              .findStatic(
                  LibBpfLog.class,
                  "print",
                  MethodType.methodType(
                      int.class, int.class, MemorySegment.class, MemorySegment.class));
      MemorySegment stub =
          Native.LINKER.upcallStub(
              target,
              FunctionDescriptor.of(
                  ValueLayout.JAVA_INT,
                  ValueLayout.JAVA_INT,
                  ValueLayout.ADDRESS,
                  ValueLayout.ADDRESS),
              Arena.global());
      MemorySegment previous = (MemorySegment) setPrint.invokeExact(stub);
      installed = previous != null;
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** libbpf_print_fn_t: LIBBPF_WARN = 0, LIBBPF_INFO = 1, LIBBPF_DEBUG = 2. */
  private static int print(int level, MemorySegment format, MemorySegment args) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(1024);
      int n = (int) VSNPRINTF.invokeExact(buf, 1024L, format, args);
      String msg = n <= 0 ? "" : buf.getString(0).stripTrailing();
      System.Logger.Level l =
          switch (level) {
            case 0 ->
                msg.startsWith("libbpf: Kernel error message")
                    ? System.Logger.Level.DEBUG
                    : System.Logger.Level.WARNING;
            case 1 -> System.Logger.Level.INFO;
            default -> System.Logger.Level.DEBUG;
          };
      LOG.log(l, msg);
      return n;
    } catch (Throwable t) {
      return 0; // never let an exception unwind into C
    }
  }
}
