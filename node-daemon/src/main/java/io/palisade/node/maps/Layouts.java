package io.palisade.node.maps;

import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * The Java twin of {@code bpf/src/main/c/palisade.h}: every map key and value layout and every
 * shared number, with the C names. LayoutAgreementTest compiles a probe against the header and
 * checks each size, offset and constant here.
 */
public final class Layouts {

  private Layouts() {}

  public static final int FAMILY_IPV4 = 4;
  public static final int FAMILY_IPV6 = 6;
  public static final int DIR_INGRESS = 0;
  public static final int DIR_EGRESS = 1;
  public static final int VERDICT_NONE = 0;
  public static final int VERDICT_ALLOW = 1;
  public static final int VERDICT_REDIRECT = 2;
  public static final int VERDICT_DENY = 3;
  public static final int ID_ANY = 0;
  public static final int ID_WORLD_IPV4 = 9;
  public static final int ID_WORLD_IPV6 = 10;
  public static final int EP_ENFORCE_INGRESS = 1;
  public static final int EP_ENFORCE_EGRESS = 2;
  public static final int EP_ANY_PEER_INGRESS = 4;
  public static final int EP_ANY_PEER_EGRESS = 8;
  public static final int EP_AUDIT_INGRESS = 16;
  public static final int EP_AUDIT_EGRESS = 32;
  public static final int POLICY_STATIC_PREFIX = 72;
  public static final int POLICY_FULL_PREFIX = 96;
  public static final int IPCACHE_STATIC_PREFIX = 32;
  public static final int COUNTER_SLOTS = 16;
  public static final int VERDICT_COUNTERS = 2 * COUNTER_SLOTS;
  public static final int AUDIT_COUNTERS = 4;
  public static final int IPCACHE_MAX = 1 << 20;
  public static final int ENDPOINTS_MAX = 4096;
  public static final int POLICY_MAX = 1 << 21;
  public static final int CT_MAX = 65536;
  public static final int CT_SERVICE = 4;
  public static final int SERVICES_MAX = 1 << 18;
  public static final int BACKENDS_MAX = 1 << 18;
  public static final int SVC_NAT_MAX = 2 * CT_MAX;

  /** The C name of every constant above, for the agreement test. */
  public static final Map<String, Long> CONSTANTS =
      Map.ofEntries(
          Map.entry("PAL_FAMILY_IPV4", (long) FAMILY_IPV4),
          Map.entry("PAL_FAMILY_IPV6", (long) FAMILY_IPV6),
          Map.entry("PAL_DIR_INGRESS", (long) DIR_INGRESS),
          Map.entry("PAL_DIR_EGRESS", (long) DIR_EGRESS),
          Map.entry("PAL_VERDICT_NONE", (long) VERDICT_NONE),
          Map.entry("PAL_VERDICT_ALLOW", (long) VERDICT_ALLOW),
          Map.entry("PAL_VERDICT_REDIRECT", (long) VERDICT_REDIRECT),
          Map.entry("PAL_VERDICT_DENY", (long) VERDICT_DENY),
          Map.entry("PAL_ID_ANY", (long) ID_ANY),
          Map.entry("PAL_ID_WORLD_IPV4", (long) ID_WORLD_IPV4),
          Map.entry("PAL_ID_WORLD_IPV6", (long) ID_WORLD_IPV6),
          Map.entry("PAL_EP_ENFORCE_INGRESS", (long) EP_ENFORCE_INGRESS),
          Map.entry("PAL_EP_ENFORCE_EGRESS", (long) EP_ENFORCE_EGRESS),
          Map.entry("PAL_EP_ANY_PEER_INGRESS", (long) EP_ANY_PEER_INGRESS),
          Map.entry("PAL_EP_ANY_PEER_EGRESS", (long) EP_ANY_PEER_EGRESS),
          Map.entry("PAL_EP_AUDIT_INGRESS", (long) EP_AUDIT_INGRESS),
          Map.entry("PAL_EP_AUDIT_EGRESS", (long) EP_AUDIT_EGRESS),
          Map.entry("PAL_AUDIT_COUNTERS", (long) AUDIT_COUNTERS),
          Map.entry("PAL_POLICY_STATIC_PREFIX", (long) POLICY_STATIC_PREFIX),
          Map.entry("PAL_POLICY_FULL_PREFIX", (long) POLICY_FULL_PREFIX),
          Map.entry("PAL_IPCACHE_STATIC_PREFIX", (long) IPCACHE_STATIC_PREFIX),
          Map.entry("PAL_COUNTER_SLOTS", (long) COUNTER_SLOTS),
          Map.entry("PAL_VERDICT_COUNTERS", (long) VERDICT_COUNTERS),
          Map.entry("PAL_IPCACHE_MAX", (long) IPCACHE_MAX),
          Map.entry("PAL_ENDPOINTS_MAX", (long) ENDPOINTS_MAX),
          Map.entry("PAL_POLICY_MAX", (long) POLICY_MAX),
          Map.entry("PAL_CT_MAX", (long) CT_MAX),
          Map.entry("PAL_CT_SERVICE", (long) CT_SERVICE),
          Map.entry("PAL_SERVICES_MAX", (long) SERVICES_MAX),
          Map.entry("PAL_BACKENDS_MAX", (long) BACKENDS_MAX),
          Map.entry("PAL_SVC_NAT_MAX", (long) SVC_NAT_MAX));

  /** Byte order of fields marked {@code __be16} in C. */
  public static final ValueLayout.OfShort BE16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private static MemoryLayout u8(String name) {
    return ValueLayout.JAVA_BYTE.withName(name);
  }

  private static MemoryLayout u16(String name) {
    return ValueLayout.JAVA_SHORT.withName(name);
  }

  private static MemoryLayout be16(String name) {
    return ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN).withName(name);
  }

  private static MemoryLayout u32(String name) {
    return ValueLayout.JAVA_INT.withName(name);
  }

  private static MemoryLayout u64(String name) {
    return ValueLayout.JAVA_LONG.withName(name);
  }

  private static MemoryLayout bytes(int n, String name) {
    return sequenceLayout(n, ValueLayout.JAVA_BYTE).withName(name);
  }

  public static final StructLayout ADDR_KEY =
      structLayout(u8("family"), bytes(3, "pad"), bytes(16, "addr")).withName("pal_addr_key");

  public static final StructLayout IPCACHE_LPM_KEY =
      structLayout(u32("prefixlen"), u8("family"), bytes(3, "pad"), bytes(16, "addr"))
          .withName("pal_ipcache_lpm_key");

  public static final StructLayout IDENTITY_VALUE =
      structLayout(u32("identity"), u32("flags")).withName("pal_identity_value");

  public static final StructLayout ENDPOINT_VALUE =
      structLayout(u32("identity"), u32("ifindex"), u32("flags"), u32("pad"))
          .withName("pal_endpoint_value");

  public static final StructLayout POLICY_KEY =
      structLayout(
              u32("prefixlen"),
              u32("subject"),
              u32("peer"),
              u8("direction"),
              u8("protocol"),
              be16("dport"))
          .withName("pal_policy_key");

  public static final StructLayout POLICY_VALUE =
      structLayout(
              u8("verdict"),
              u8("prefix_len"),
              be16("proxy_port"),
              u8("audit_verdict"),
              u8("audit_prefix_len"),
              u16("pad"))
          .withName("pal_policy_value");

  public static final StructLayout CT_KEY =
      structLayout(
              bytes(16, "saddr"),
              bytes(16, "daddr"),
              be16("sport"),
              be16("dport"),
              u8("protocol"),
              u8("family"),
              u8("direction"),
              u8("pad"),
              u32("ifindex"))
          .withName("pal_ct_key");

  public static final StructLayout CT_VALUE =
      structLayout(
              u64("expires_ns"),
              u64("created_ns"),
              u64("packets"),
              u32("generation"),
              u32("subject"),
              u32("peer"),
              u8("flags"),
              u8("verdict"),
              u16("pad"))
          .withName("pal_ct_value");

  public static final StructLayout SVC_KEY =
      structLayout(
              bytes(16, "addr"),
              be16("dport"),
              u8("protocol"),
              u8("family"),
              u16("slot"),
              u16("pad"))
          .withName("pal_svc_key");

  public static final StructLayout SVC_VALUE =
      structLayout(u32("backend_id"), u16("count"), u16("pad")).withName("pal_svc_value");

  public static final StructLayout BACKEND_VALUE =
      structLayout(bytes(16, "addr"), be16("port"), u8("family"), u8("pad"))
          .withName("pal_backend_value");

  public static final StructLayout SVC_NAT_VALUE =
      structLayout(bytes(16, "addr"), be16("port"), u16("pad"), u32("backend_id"))
          .withName("pal_svc_nat_value");

  public static final StructLayout CONFIG_VALUE =
      structLayout(u32("generation"), u32("flags")).withName("pal_config_value");

  public static final StructLayout COUNTER =
      structLayout(u64("packets"), u64("bytes")).withName("pal_counter");

  public static final StructLayout EVENT =
      structLayout(
              u64("timestamp_ns"),
              bytes(16, "saddr"),
              bytes(16, "daddr"),
              u32("src_identity"),
              u32("dst_identity"),
              u32("ifindex"),
              be16("sport"),
              be16("dport"),
              u8("family"),
              u8("protocol"),
              u8("direction"),
              u8("verdict"),
              u8("reason"),
              bytes(3, "pad"))
          .withName("pal_event");

  /** Every layout the header defines. */
  public static final List<StructLayout> ALL =
      List.of(
          ADDR_KEY,
          IPCACHE_LPM_KEY,
          IDENTITY_VALUE,
          ENDPOINT_VALUE,
          POLICY_KEY,
          POLICY_VALUE,
          CT_KEY,
          CT_VALUE,
          SVC_KEY,
          SVC_VALUE,
          BACKEND_VALUE,
          SVC_NAT_VALUE,
          CONFIG_VALUE,
          COUNTER,
          EVENT);

  /** The byte offset of {@code field} in {@code layout}. */
  public static long offset(StructLayout layout, String field) {
    return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
  }
}
