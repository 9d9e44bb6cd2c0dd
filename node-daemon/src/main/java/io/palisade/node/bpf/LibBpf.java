package io.palisade.node.bpf;

import static io.palisade.node.bpf.Native.C_INT;
import static io.palisade.node.bpf.Native.C_POINTER;
import static io.palisade.node.bpf.Native.C_SIZE_T;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The libbpf 1.x functions and option structs Palisade uses, bound through the FFM API. Only this
 * class names libbpf symbols; the rest of the daemon uses {@link BpfObject}, {@link BpfMap} and
 * {@link TcAttachment}.
 */
final class LibBpf {

  private LibBpf() {}

  private static final SymbolLookup LIB = Native.library("libbpf.so.1");

  static {
    LibBpfLog.install(
        Native.function(LIB, "libbpf_set_print", FunctionDescriptor.of(C_POINTER, C_POINTER)));
  }

  private static MethodHandle fn(String name, MemoryLayout ret, MemoryLayout... args) {
    return Native.function(LIB, name, FunctionDescriptor.of(ret, args));
  }

  private static MethodHandle fnErrno(String name, MemoryLayout ret, MemoryLayout... args) {
    return Native.functionWithErrno(LIB, name, FunctionDescriptor.of(ret, args));
  }

  // Object lifecycle. Pointer-returning calls report failure as NULL plus errno.
  static final MethodHandle OBJECT_OPEN_FILE =
      fnErrno("bpf_object__open_file", C_POINTER, C_POINTER, C_POINTER);
  static final MethodHandle OBJECT_LOAD = fn("bpf_object__load", C_INT, C_POINTER);
  static final MethodHandle OBJECT_CLOSE =
      Native.function(LIB, "bpf_object__close", FunctionDescriptor.ofVoid(C_POINTER));
  static final MethodHandle FIND_MAP =
      fnErrno("bpf_object__find_map_by_name", C_POINTER, C_POINTER, C_POINTER);
  static final MethodHandle FIND_PROGRAM =
      fnErrno("bpf_object__find_program_by_name", C_POINTER, C_POINTER, C_POINTER);
  static final MethodHandle PROGRAM_FD = fn("bpf_program__fd", C_INT, C_POINTER);
  static final MethodHandle MAP_FD = fn("bpf_map__fd", C_INT, C_POINTER);
  static final MethodHandle MAP_SET_PIN_PATH =
      fn("bpf_map__set_pin_path", C_INT, C_POINTER, C_POINTER);
  static final MethodHandle NUM_POSSIBLE_CPUS = fn("libbpf_num_possible_cpus", C_INT);
  static final MethodHandle MAP_SET_MAX_ENTRIES =
      fn("bpf_map__set_max_entries", C_INT, C_POINTER, C_INT);
  static final MethodHandle MAP_SET_MAP_FLAGS =
      fn("bpf_map__set_map_flags", C_INT, C_POINTER, C_INT);
  static final MethodHandle MAP_MAX_ENTRIES = fn("bpf_map__max_entries", C_INT, C_POINTER);
  static final MethodHandle MAP_MAP_FLAGS = fn("bpf_map__map_flags", C_INT, C_POINTER);

  // Low-level map and object calls: int results are -errno on failure (libbpf >= 1.0).
  static final MethodHandle OBJ_GET = fn("bpf_obj_get", C_INT, C_POINTER);
  static final MethodHandle OBJ_PIN = fn("bpf_obj_pin", C_INT, C_INT, C_POINTER);
  // bpf_map_get_info_by_fd is libbpf 1.2; Debian 12 has 1.1.
  static final MethodHandle OBJ_GET_INFO_BY_FD =
      fn("bpf_obj_get_info_by_fd", C_INT, C_INT, C_POINTER, C_POINTER);
  static final MethodHandle MAP_UPDATE =
      fn("bpf_map_update_elem", C_INT, C_INT, C_POINTER, C_POINTER, ValueLayout.JAVA_LONG);
  static final MethodHandle MAP_LOOKUP =
      fn("bpf_map_lookup_elem", C_INT, C_INT, C_POINTER, C_POINTER);
  static final MethodHandle MAP_DELETE = fn("bpf_map_delete_elem", C_INT, C_INT, C_POINTER);
  static final MethodHandle MAP_NEXT_KEY =
      fn("bpf_map_get_next_key", C_INT, C_INT, C_POINTER, C_POINTER);
  static final MethodHandle MAP_UPDATE_BATCH =
      fn("bpf_map_update_batch", C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER);
  static final MethodHandle MAP_DELETE_BATCH =
      fn("bpf_map_delete_batch", C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER);
  static final MethodHandle PROG_TEST_RUN = fn("bpf_prog_test_run_opts", C_INT, C_INT, C_POINTER);

  // tc through netlink (cls_bpf on clsact): libbpf 1.1 has no tcx links.
  static final MethodHandle TC_HOOK_CREATE = fn("bpf_tc_hook_create", C_INT, C_POINTER);
  static final MethodHandle TC_ATTACH = fn("bpf_tc_attach", C_INT, C_POINTER, C_POINTER);
  static final MethodHandle TC_DETACH = fn("bpf_tc_detach", C_INT, C_POINTER, C_POINTER);
  static final MethodHandle TC_QUERY = fn("bpf_tc_query", C_INT, C_POINTER, C_POINTER);

  // Ring buffer consumer.
  static final MethodHandle RING_BUFFER_NEW =
      fnErrno("ring_buffer__new", C_POINTER, C_INT, C_POINTER, C_POINTER, C_POINTER);
  static final MethodHandle RING_BUFFER_POLL = fn("ring_buffer__poll", C_INT, C_POINTER, C_INT);
  static final MethodHandle RING_BUFFER_FREE =
      Native.function(LIB, "ring_buffer__free", FunctionDescriptor.ofVoid(C_POINTER));

  /** struct bpf_tc_hook (libbpf.h): every OPTS struct starts with its own size. */
  static final StructLayout TC_HOOK =
      MemoryLayout.structLayout(
          C_SIZE_T.withName("sz"),
          C_INT.withName("ifindex"),
          C_INT.withName("attach_point"),
          C_INT.withName("parent"),
          MemoryLayout.paddingLayout(4));

  /** struct bpf_tc_opts (libbpf.h). */
  static final StructLayout TC_OPTS =
      MemoryLayout.structLayout(
          C_SIZE_T.withName("sz"),
          C_INT.withName("prog_fd"),
          C_INT.withName("flags"),
          C_INT.withName("prog_id"),
          C_INT.withName("handle"),
          C_INT.withName("priority"),
          MemoryLayout.paddingLayout(4));

  /** struct bpf_map_batch_opts (bpf.h). */
  static final StructLayout BATCH_OPTS =
      MemoryLayout.structLayout(
          C_SIZE_T.withName("sz"),
          ValueLayout.JAVA_LONG.withName("elem_flags"),
          ValueLayout.JAVA_LONG.withName("flags"));

  /** struct bpf_test_run_opts (bpf.h). */
  static final StructLayout TEST_RUN_OPTS =
      MemoryLayout.structLayout(
          C_SIZE_T.withName("sz"),
          C_POINTER.withName("data_in"),
          C_POINTER.withName("data_out"),
          C_INT.withName("data_size_in"),
          C_INT.withName("data_size_out"),
          C_POINTER.withName("ctx_in"),
          C_POINTER.withName("ctx_out"),
          C_INT.withName("ctx_size_in"),
          C_INT.withName("ctx_size_out"),
          C_INT.withName("retval"),
          C_INT.withName("repeat"),
          C_INT.withName("duration"),
          C_INT.withName("flags"),
          C_INT.withName("cpu"),
          C_INT.withName("batch_size"));

  /**
   * The head of struct bpf_map_info (linux/bpf.h); the kernel fills as much of the struct as the
   * length it is given.
   */
  static final StructLayout MAP_INFO_HEAD =
      MemoryLayout.structLayout(
          C_INT.withName("type"),
          C_INT.withName("id"),
          C_INT.withName("key_size"),
          C_INT.withName("value_size"),
          C_INT.withName("max_entries"),
          C_INT.withName("map_flags"));

  static final int BPF_TC_INGRESS = 1;
  static final int BPF_TC_EGRESS = 2;
  static final int BPF_TC_F_REPLACE = 1;

  /** Sets an int field of an option struct by name. */
  static void setInt(MemorySegment s, StructLayout layout, String field, int value) {
    s.set(C_INT, layout.byteOffset(MemoryLayout.PathElement.groupElement(field)), value);
  }

  static int getInt(MemorySegment s, StructLayout layout, String field) {
    return s.get(C_INT, layout.byteOffset(MemoryLayout.PathElement.groupElement(field)));
  }

  static void setLong(MemorySegment s, StructLayout layout, String field, long value) {
    s.set(
        ValueLayout.JAVA_LONG,
        layout.byteOffset(MemoryLayout.PathElement.groupElement(field)),
        value);
  }

  static void setPointer(MemorySegment s, StructLayout layout, String field, MemorySegment p) {
    s.set(C_POINTER, layout.byteOffset(MemoryLayout.PathElement.groupElement(field)), p);
  }

  /** A zeroed option struct whose {@code sz} is set, as libbpf's OPTS checks require. */
  static MemorySegment opts(java.lang.foreign.Arena arena, StructLayout layout) {
    MemorySegment s = arena.allocate(layout);
    s.set(C_SIZE_T, 0, layout.byteSize());
    return s;
  }
}
