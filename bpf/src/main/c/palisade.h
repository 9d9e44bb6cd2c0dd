/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Palisade datapath: every map key and value layout, and every number the
 * programs and the node daemon share. The Java twin of this file is
 * io.palisade.node.maps.Layouts; LayoutAgreementTest compiles a probe against
 * this header and checks sizes and offsets against the Java layouts.
 *
 * All structs are padded explicitly so that no compiler-inserted hole can
 * differ between clang -target bpf and the host.
 */
#ifndef PALISADE_H
#define PALISADE_H

#include <linux/types.h>

/* Address families as stored in keys. */
#define PAL_FAMILY_IPV4 4
#define PAL_FAMILY_IPV6 6

/* Directions, as seen from the local endpoint (Java Direction.ordinal()). */
#define PAL_DIR_INGRESS 0
#define PAL_DIR_EGRESS 1

/* Verdicts in increasing precedence (Java Verdict.ordinal() + 1); 0 = no entry. */
#define PAL_VERDICT_NONE 0
#define PAL_VERDICT_ALLOW 1
#define PAL_VERDICT_REDIRECT 2
#define PAL_VERDICT_DENY 3

/* Reserved identities the datapath itself falls back to. */
#define PAL_ID_ANY 0
#define PAL_ID_WORLD_IPV4 9
#define PAL_ID_WORLD_IPV6 10

/* endpoint_value.flags: which directions the endpoint's policy enforces. */
#define PAL_EP_ENFORCE_INGRESS (1u << 0)
#define PAL_EP_ENFORCE_EGRESS (1u << 1)
/* ... and whether its policy has any-peer keys in a direction (else that lookup is skipped). */
#define PAL_EP_ANY_PEER_INGRESS (1u << 2)
#define PAL_EP_ANY_PEER_EGRESS (1u << 3)
/* ... and whether audit-mode policies select it in a direction (see PAL_AUDIT_POLICY). */
#define PAL_EP_AUDIT_INGRESS (1u << 4)
#define PAL_EP_AUDIT_EGRESS (1u << 5)

/* Counter slots (and event reasons): why a packet was forwarded or dropped. */
#define PAL_FWD_CT_ESTABLISHED 0
#define PAL_FWD_CT_REPLY 1
#define PAL_FWD_POLICY 2
/* Slot 3 counted redirects forwarded without a proxy; it stays unused so that counters pinned by
 * an older program are never read under another reason. */
#define PAL_FWD_UNENFORCED 4
#define PAL_FWD_CONTROL 5
#define PAL_DROP_POLICY 6
#define PAL_DROP_POLICY_DENY 7
#define PAL_DROP_NO_ENDPOINT 8
#define PAL_DROP_SPOOFED 9
#define PAL_DROP_MALFORMED 10
#define PAL_DROP_FRAGMENT 11
#define PAL_EVENTS_LOST 12
#define PAL_FWD_CT_RELATED 13
/* A redirect to an L7 proxy with no proxy ready for it: dropped, the policy fails closed. */
#define PAL_DROP_PROXY_UNAVAILABLE 14
/* A connection to a Service frontend that has no ready backend (Cilium's "no service backend"). */
#define PAL_DROP_NO_SERVICE_BACKEND 15
#define PAL_COUNTER_SLOTS 16
/*
 * Event reasons past the counter slots: a flow the enforced policy allows and audit-mode policies
 * would drop, because none of them allows it, or because a deny of theirs matches. It passes, and
 * is counted in pal_audits (key: direction * 2 + reason - PAL_AUDIT_POLICY).
 */
#define PAL_AUDIT_POLICY 16
#define PAL_AUDIT_POLICY_DENY 17
#define PAL_AUDIT_COUNTERS 4
/* pal_verdicts holds one set of slots per direction: the key is direction * PAL_COUNTER_SLOTS +
 * slot. */
#define PAL_VERDICT_COUNTERS (2 * PAL_COUNTER_SLOTS)

/* Conntrack lifetimes, in seconds; SCTP associations live as TCP connections do. */
#define PAL_CT_TCP_LIFETIME 21600
#define PAL_CT_TCP_UNANSWERED 60 /* no reply seen yet: a SYN flood cannot pin entries for hours */
#define PAL_CT_TCP_CLOSING 10
#define PAL_CT_UDP_LIFETIME 60
#define PAL_CT_ICMP_LIFETIME 30

/* ct_value.flags */
#define PAL_CT_SEEN_REPLY (1u << 0)
#define PAL_CT_CLOSING (1u << 1)
/* The pod sent the flow's first packet to a Service frontend: replies get their source set back. */
#define PAL_CT_SERVICE (1u << 2)

/* Policy LPM: subject, peer and direction are always exact; protocol and port are the prefix. */
#define PAL_POLICY_STATIC_PREFIX 72
#define PAL_POLICY_FULL_PREFIX 96

/* Ipcache LPM: family and padding are always exact; the address is the prefix. */
#define PAL_IPCACHE_STATIC_PREFIX 32

/* Map sizes. */
#define PAL_IPCACHE_MAX (1u << 20)
#define PAL_ENDPOINTS_MAX 4096
#define PAL_POLICY_MAX (1u << 21)
#define PAL_CT_MAX 65536
#define PAL_EVENTS_BYTES (1u << 20)
#define PAL_SERVICES_MAX (1u << 18) /* frontends and their backend slots */
#define PAL_BACKENDS_MAX (1u << 18)
#define PAL_SVC_NAT_MAX (2 * PAL_CT_MAX) /* a forward and a reverse entry per translated flow */

/* An address of either family; IPv4 sits in addr[0..3]. Key of pal_ipcache and pal_endpoints. */
struct pal_addr_key {
	__u8 family;
	__u8 pad[3];
	__u8 addr[16];
};

/* Key of pal_ipcache_lpm: prefixlen = PAL_IPCACHE_STATIC_PREFIX + address prefix bits. */
struct pal_ipcache_lpm_key {
	__u32 prefixlen;
	__u8 family;
	__u8 pad[3];
	__u8 addr[16];
};

/* Value of both ipcache maps. */
struct pal_identity_value {
	__u32 identity;
	__u32 flags;
};

/* Value of pal_endpoints: a local pod address, its identity and its host-side veth. */
struct pal_endpoint_value {
	__u32 identity;
	__u32 ifindex;
	__u32 flags;
	__u32 pad;
};

/*
 * Key of pal_policy, the engine's MapStateKey behind the subject identity:
 * prefixlen = PAL_POLICY_STATIC_PREFIX + (0 | 8 | 8 + port prefix bits).
 * peer 0 = any peer; protocol 0 = any protocol; dport is big-endian so that
 * its leading bits are the LPM's next bits (ICMP keeps its type there).
 */
struct pal_policy_key {
	__u32 prefixlen;
	__u32 subject;
	__u32 peer;
	__u8 direction;
	__u8 protocol;
	__be16 dport;
};

/*
 * pal_policy_exact holds the keys with an exact port (prefix PAL_POLICY_FULL_PREFIX) in a hash,
 * the LPM trie all others: an exact key is always a group's longest match, so a hash hit answers
 * for its group without walking the trie.
 */

/*
 * Value of pal_policy and pal_policy_exact; prefix_len repeats the key's proto/port prefix, which LPM
 * does not return. audit_verdict and audit_prefix_len are the same with audit-mode policies enforced
 * too (a copy of the first two where none select the subject); a verdict of PAL_VERDICT_NONE says
 * that side has no entry in the key's group.
 */
struct pal_policy_value {
	__u8 verdict;
	__u8 prefix_len;
	__be16 proxy_port;
	__u8 audit_verdict;
	__u8 audit_prefix_len;
	__u16 pad;
};

/*
 * Key of pal_ct: one side's view of a flow, in the order of its first packet.
 * ifindex is the pod's host-side veth, so one pod cannot ride another's flows.
 */
struct pal_ct_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__be16 sport;
	__be16 dport;
	__u8 protocol;
	__u8 family;
	__u8 direction;
	__u8 pad;
	__u32 ifindex;
};

/* Value of pal_ct; generation is the policy generation the flow was last allowed under. */
struct pal_ct_value {
	__u64 expires_ns;
	__u64 created_ns;
	__u64 packets;
	__u32 generation;
	__u32 subject;
	__u32 peer;
	__u8 flags;
	__u8 verdict;
	__u16 pad;
};

/*
 * Key of pal_services, as Cilium's lb4_key: slot 0 is the frontend itself (its value counts the
 * ready backends), slots 1..count name one backend each. A frontend is an address, port and
 * protocol a pod may connect to: a ClusterIP, an external IP, or this node's address and a
 * NodePort.
 */
struct pal_svc_key {
	__u8 addr[16];
	__be16 dport;
	__u8 protocol;
	__u8 family;
	__u16 slot;
	__u16 pad;
};

/* Value of pal_services: slot 0 holds count, slots 1..count hold backend_id. */
struct pal_svc_value {
	__u32 backend_id;
	__u16 count;
	__u16 pad;
};

/* Value of pal_backends (key: the backend id, a __u32 the daemon allocates). */
struct pal_backend_value {
	__u8 addr[16];
	__be16 port;
	__u8 family;
	__u8 pad;
};

/*
 * Value of pal_svc_nat, keyed by a pal_ct_key. The forward entry (direction egress, the tuple the
 * pod sent) names the backend chosen for the flow; the reverse entry (direction ingress, the
 * backend's reply as it reaches the pod) names the frontend its source is set back to. backend_id
 * lets a later packet see that its backend left the service.
 */
struct pal_svc_nat_value {
	__u8 addr[16];
	__be16 port;
	__u16 pad;
	__u32 backend_id;
};

/* The single value of pal_config; the daemon bumps generation after every policy change. */
struct pal_config_value {
	__u32 generation;
	__u32 flags;
};

/* Per-CPU value of pal_verdicts, one per direction and PAL_FWD_ / PAL_DROP_ reason. */
struct pal_counter {
	__u64 packets;
	__u64 bytes;
};

/* A verdict event on pal_events: drops, and the first packet of each allowed flow. */
struct pal_event {
	__u64 timestamp_ns;
	__u8 saddr[16];
	__u8 daddr[16];
	__u32 src_identity;
	__u32 dst_identity;
	__u32 ifindex;
	__be16 sport;
	__be16 dport;
	__u8 family;
	__u8 protocol;
	__u8 direction;
	__u8 verdict;
	__u8 reason;
	__u8 pad[3];
};

#endif /* PALISADE_H */
