package io.palisade.node.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.Consumer;

/**
 * A consumer of a BPF ring buffer map through libbpf's {@code ring_buffer__*}: each record is
 * handed to a Java callback as a segment valid only during the call. Not thread-safe: poll from one
 * thread.
 */
public final class RingBuffer implements AutoCloseable {

  private final Arena arena = Arena.ofShared();
  private final Consumer<MemorySegment> handler;
  private final MemorySegment ring;
  private boolean closed;

  public RingBuffer(int mapFd, Consumer<MemorySegment> handler) {
    this.handler = handler;
    try {
      MethodHandle target =
          MethodHandles.lookup()
              .findVirtual(
                  RingBuffer.class,
                  "onSample",
                  MethodType.methodType(
                      int.class, MemorySegment.class, MemorySegment.class, long.class))
              .bindTo(this);
      MemorySegment stub =
          Native.LINKER.upcallStub(
              target,
              FunctionDescriptor.of(
                  ValueLayout.JAVA_INT,
                  ValueLayout.ADDRESS,
                  ValueLayout.ADDRESS,
                  ValueLayout.JAVA_LONG),
              arena);
      MemorySegment state = arena.allocate(Native.CALL_STATE);
      ring =
          (MemorySegment)
              LibBpf.RING_BUFFER_NEW.invokeExact(
                  state, mapFd, stub, MemorySegment.NULL, MemorySegment.NULL);
      if (ring.equals(MemorySegment.NULL)) {
        throw new BpfException("ring_buffer__new", Native.errno(state));
      }
    } catch (Throwable t) {
      arena.close();
      throw Native.rethrow(t);
    }
  }

  private int onSample(MemorySegment ctx, MemorySegment data, long size) {
    try {
      handler.accept(data.reinterpret(size));
    } catch (RuntimeException e) {
      System.getLogger(RingBuffer.class.getName())
          .log(System.Logger.Level.WARNING, "flow event handler failed", e);
    }
    return 0; // never let an exception unwind into C
  }

  /** Waits up to {@code timeoutMillis} and consumes what arrived; returns the record count. */
  public int poll(int timeoutMillis) {
    try {
      int n = (int) LibBpf.RING_BUFFER_POLL.invokeExact(ring, timeoutMillis);
      if (n == -4) {
        return 0; // EINTR
      }
      return BpfException.check("ring_buffer__poll", n);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      LibBpf.RING_BUFFER_FREE.invokeExact(ring);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    } finally {
      arena.close();
    }
  }
}
