package io.palisade.node.harness;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Real SCTP associations, where the kernel has SCTP sockets: an echo server in a namespace and a
 * probe, both python3 (the JDK's SCTP channels need libsctp). Many kernels, this machine's among
 * them, have none; {@link #unsupported} says why before a test tries.
 */
public final class SctpSockets {

  private static final int AF_INET = 2;
  private static final int SOCK_STREAM = 1;
  private static final int IPPROTO_SCTP = 132;
  private static final int EPROTONOSUPPORT = 93;

  /** Exit code of the probe script for an association refused, reset or timed out: a verdict. */
  private static final int NO_ASSOCIATION = 3;

  private static final String SERVER =
      """
      import socket, sys
      fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
      s = socket.socket(fam, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
      s.bind((sys.argv[1], int(sys.argv[2])))
      s.listen(16)
      print("listening", flush=True)
      while True:
          c, _ = s.accept()
          c.sendall(c.recv(64))
          c.close()
      """;

  private static final String PROBE =
      """
      import socket, sys
      fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
      c = socket.socket(fam, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
      c.settimeout(float(sys.argv[3]))
      try:
          c.connect((sys.argv[1], int(sys.argv[2])))
          c.sendall(b"ping")
          sys.exit(0 if c.recv(64) == b"ping" else 3)
      except (socket.timeout, ConnectionRefusedError, ConnectionResetError):
          sys.exit(3)
      """;

  private SctpSockets() {}

  /** Empty when this kernel opens SCTP sockets, else why it does not. */
  public static Optional<String> unsupported() {
    Linker linker = Linker.nativeLinker();
    StructLayout state = Linker.Option.captureStateLayout();
    MethodHandle socket =
        linker.downcallHandle(
            linker.defaultLookup().find("socket").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"));
    MethodHandle close =
        linker.downcallHandle(
            linker.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment st = arena.allocate(state);
      int fd = (int) socket.invokeExact(st, AF_INET, SOCK_STREAM, IPPROTO_SCTP);
      if (fd >= 0) {
        int ignored = (int) close.invokeExact(fd);
        return Optional.empty();
      }
      int errno =
          st.get(JAVA_INT, state.byteOffset(MemoryLayout.PathElement.groupElement("errno")));
      return Optional.of(
          "socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) failed with errno "
              + errno
              + (errno == EPROTONOSUPPORT ? " (EPROTONOSUPPORT: no SCTP in this kernel)" : ""));
    } catch (Throwable t) {
      throw new HarnessException("could not call socket(2)", t);
    }
  }

  /** An SCTP echo server on {@code address}:{@code port} inside {@code ns}; close stops it. */
  public static AutoCloseable serve(NetNs ns, String address, int port) {
    String python = Tools.require("python3").toString();
    Tools.require("ip");
    try {
      Process p =
          new ProcessBuilder(
                  "ip", "netns", "exec", ns.name(), python, "-c", SERVER, address, "" + port)
              .redirectErrorStream(true)
              .start();
      var out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      if (!"listening".equals(first)) {
        p.destroyForcibly();
        throw new HarnessException(
            "the SCTP echo server did not start in " + ns.name() + ": " + first);
      }
      return p::destroyForcibly;
    } catch (IOException e) {
      throw new HarnessException("could not start the SCTP echo server", e);
    }
  }

  /** Whether an association from {@code from} to the address echoes; throws if it cannot probe. */
  public static boolean probe(NetNs from, String address, int port, Duration timeout) {
    Sh.Result r =
        from.exec("python3", "-c", PROBE, address, "" + port, "" + timeout.toMillis() / 1000.0);
    return switch (r.exit()) {
      case 0 -> true;
      case NO_ASSOCIATION -> false;
      default ->
          throw new HarnessException(
              "the SCTP probe from "
                  + from.name()
                  + " could not run: exit "
                  + r.exit()
                  + ", "
                  + r.output().strip());
    };
  }
}
