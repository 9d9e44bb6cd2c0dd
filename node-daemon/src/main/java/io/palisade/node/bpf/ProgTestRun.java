package io.palisade.node.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Runs a loaded program on a packet in the kernel without any interface ({@code
 * BPF_PROG_TEST_RUN}): its return code and the kernel's average time per repetition.
 */
public final class ProgTestRun {

  /** The outcome of one test run. */
  public record Result(int retval, int durationNanos) {}

  /** A program's return code and the packet as it left the program (rewritten or not). */
  public record Output(int retval, byte[] packet) {}

  private ProgTestRun() {}

  public static Result run(int progFd, byte[] packet, int repeat) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment data = arena.allocate(packet.length);
      MemorySegment.copy(packet, 0, data, ValueLayout.JAVA_BYTE, 0, packet.length);
      MemorySegment o = LibBpf.opts(arena, LibBpf.TEST_RUN_OPTS);
      LibBpf.setPointer(o, LibBpf.TEST_RUN_OPTS, "data_in", data);
      LibBpf.setInt(o, LibBpf.TEST_RUN_OPTS, "data_size_in", packet.length);
      LibBpf.setInt(o, LibBpf.TEST_RUN_OPTS, "repeat", repeat);
      BpfException.check(
          "bpf_prog_test_run_opts", (int) LibBpf.PROG_TEST_RUN.invokeExact(progFd, o));
      return new Result(
          LibBpf.getInt(o, LibBpf.TEST_RUN_OPTS, "retval"),
          LibBpf.getInt(o, LibBpf.TEST_RUN_OPTS, "duration"));
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }

  /**
   * Runs a program once on a packet and returns the packet it leaves, for programs that rewrite.
   */
  public static Output once(int progFd, byte[] packet) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment data = arena.allocate(packet.length);
      MemorySegment.copy(packet, 0, data, ValueLayout.JAVA_BYTE, 0, packet.length);
      // Room for a program that grows the packet; the kernel says how much it wrote.
      int room = packet.length + 256;
      MemorySegment out = arena.allocate(room);
      MemorySegment o = LibBpf.opts(arena, LibBpf.TEST_RUN_OPTS);
      LibBpf.setPointer(o, LibBpf.TEST_RUN_OPTS, "data_in", data);
      LibBpf.setInt(o, LibBpf.TEST_RUN_OPTS, "data_size_in", packet.length);
      LibBpf.setPointer(o, LibBpf.TEST_RUN_OPTS, "data_out", out);
      LibBpf.setInt(o, LibBpf.TEST_RUN_OPTS, "data_size_out", room);
      LibBpf.setInt(o, LibBpf.TEST_RUN_OPTS, "repeat", 1);
      BpfException.check(
          "bpf_prog_test_run_opts", (int) LibBpf.PROG_TEST_RUN.invokeExact(progFd, o));
      int size = LibBpf.getInt(o, LibBpf.TEST_RUN_OPTS, "data_size_out");
      return new Output(
          LibBpf.getInt(o, LibBpf.TEST_RUN_OPTS, "retval"),
          out.asSlice(0, size).toArray(ValueLayout.JAVA_BYTE));
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
  }
}
