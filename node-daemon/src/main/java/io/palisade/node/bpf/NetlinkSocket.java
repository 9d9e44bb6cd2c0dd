package io.palisade.node.bpf;

import static io.palisade.node.bpf.Native.C_INT;
import static io.palisade.node.bpf.Native.C_POINTER;
import static io.palisade.node.bpf.Native.C_SIZE_T;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A NETLINK_ROUTE socket: requests go to the kernel, replies come back as raw datagrams. The socket
 * belongs to the network namespace of the thread that opened it, so a thread moved into a pod's
 * namespace reads that namespace's links. Message layouts are {@code Rtnetlink}'s; this class only
 * moves bytes.
 */
public final class NetlinkSocket implements AutoCloseable {

  private static final SymbolLookup LIBC = Native.LINKER.defaultLookup();
  private static final MethodHandle SOCKET =
      Native.functionWithErrno(LIBC, "socket", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT));
  private static final MethodHandle SENDTO =
      Native.functionWithErrno(
          LIBC,
          "sendto",
          FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_SIZE_T, C_INT, C_POINTER, C_INT));
  private static final MethodHandle RECV =
      Native.functionWithErrno(
          LIBC, "recv", FunctionDescriptor.of(C_SIZE_T, C_INT, C_POINTER, C_SIZE_T, C_INT));

  private static final int AF_NETLINK = 16;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_ROUTE = 0;

  /** struct sockaddr_nl: family, padding, port id 0 (the kernel), no groups. */
  private static final int SOCKADDR_NL_SIZE = 12;

  /** Large enough for any one dump datagram the kernel sends (it sizes them to a page or two). */
  private static final int RECEIVE_BUFFER = 64 * 1024;

  private final int fd;
  private final Arena arena = Arena.ofConfined();
  private final MemorySegment buffer = arena.allocate(RECEIVE_BUFFER);

  private NetlinkSocket(int fd) {
    this.fd = fd;
  }

  /** Opens a route socket in the calling thread's network namespace. */
  public static NetlinkSocket openRoute() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Native.CALL_STATE);
      int fd = (int) SOCKET.invokeExact(state, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
      if (fd < 0) {
        throw new BpfException("socket(AF_NETLINK, NETLINK_ROUTE)", Native.errno(state));
      }
      return new NetlinkSocket(fd);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** Sends one request message to the kernel. */
  public void send(byte[] message) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Native.CALL_STATE);
      MemorySegment msg = a.allocateFrom(ValueLayout.JAVA_BYTE, message);
      MemorySegment kernel = a.allocate(SOCKADDR_NL_SIZE);
      kernel.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
      long sent =
          (long)
              SENDTO.invokeExact(
                  state, fd, msg, (long) message.length, 0, kernel, SOCKADDR_NL_SIZE);
      if (sent < 0) {
        throw new BpfException("sendto(netlink)", Native.errno(state));
      }
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /** Receives one datagram (one or more messages), in native byte order. */
  public ByteBuffer receive() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(Native.CALL_STATE);
      long n = (long) RECV.invokeExact(state, fd, buffer, (long) RECEIVE_BUFFER, 0);
      if (n < 0) {
        throw new BpfException("recv(netlink)", Native.errno(state));
      }
      byte[] copy = buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
      return ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder());
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  @Override
  public void close() {
    Libc.close(fd);
    arena.close();
  }
}
