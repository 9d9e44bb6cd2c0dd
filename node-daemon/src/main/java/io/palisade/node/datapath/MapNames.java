package io.palisade.node.datapath;

import java.util.List;

/** The names of the maps in palisade.bpf.o, which are also their pin file names. */
public final class MapNames {

  public static final String IPCACHE = "pal_ipcache";
  public static final String IPCACHE_LPM = "pal_ipcache_lpm";
  public static final String ENDPOINTS = "pal_endpoints";
  public static final String POLICY = "pal_policy";
  public static final String POLICY_EXACT = "pal_policy_exact";
  public static final String CT = "pal_ct";
  public static final String SERVICES = "pal_services";
  public static final String BACKENDS = "pal_backends";
  public static final String SVC_NAT = "pal_svc_nat";
  public static final String CONFIG = "pal_config";
  public static final String COUNTERS = "pal_verdicts";
  public static final String AUDITS = "pal_audits";
  public static final String EVENTS = "pal_events";

  /** Every map, all pinned: state must survive the daemon. */
  public static final List<String> ALL =
      List.of(
          IPCACHE,
          IPCACHE_LPM,
          ENDPOINTS,
          POLICY,
          POLICY_EXACT,
          SERVICES,
          BACKENDS,
          CT,
          SVC_NAT,
          CONFIG,
          COUNTERS,
          AUDITS,
          EVENTS);

  /** The maps that hold the desired state, which apply and repair write. */
  public static final List<String> STATE =
      List.of(IPCACHE, IPCACHE_LPM, ENDPOINTS, POLICY, POLICY_EXACT, SERVICES, BACKENDS);

  /** The programs: tc ingress of the host veth (pod egress) and tc egress (pod ingress). */
  public static final String PROG_FROM_POD = "palisade_from_pod";

  public static final String PROG_TO_POD = "palisade_to_pod";

  private MapNames() {}
}
