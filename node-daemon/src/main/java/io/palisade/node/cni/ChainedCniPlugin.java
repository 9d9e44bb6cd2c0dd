package io.palisade.node.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.node.discovery.ChainedRecords;
import io.palisade.node.discovery.Rtnetlink;
import io.palisade.node.discovery.VethPeer;
import io.palisade.policy.identity.CidrPrefix;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code palisade-node cni}: a chained CNI plugin in the style of Cilium's generic-veth chaining.
 * Placed after the main plugin (flannel, bridge, kindnet's ptp...), on ADD it finds the pod's
 * host-side veth from inside the pod's namespace and records each pod address against it under
 * {@code /run/palisade/cni} (the {@code recordDir} of the plugin's config overrides it), where the
 * daemon reads it; DEL removes the record. The previous result passes through unchanged.
 */
public final class ChainedCniPlugin {

  /** CNI error codes (spec, "Error"). */
  static final int INVALID_ENVIRONMENT = 4;

  static final int IO_FAILURE = 5;
  static final int DECODE_FAILURE = 6;
  static final int INVALID_CONFIG = 7;

  /** Plugin-specific (100 and up): the pod's interface is not a veth pair to the host. */
  static final int NO_HOST_VETH = 100;

  private static final List<String> VERSIONS = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChainedCniPlugin() {}

  /** A CNI error: its code and message go to stdout as the spec's error object. */
  static final class CniError extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;

    CniError(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  /** Runs one CNI command; returns the exit code (0, or 1 with an error object printed). */
  public static int run(Map<String, String> env, InputStream stdin, PrintStream stdout) {
    String version = "1.0.0";
    try {
      String command = need(env, "CNI_COMMAND");
      if (command.equals("VERSION")) {
        ObjectNode v = JSON.createObjectNode().put("cniVersion", version);
        VERSIONS.forEach(v.putArray("supportedVersions")::add);
        stdout.println(v);
        return 0;
      }
      JsonNode conf = config(stdin);
      version = conf.path("cniVersion").asText(version);
      Path dir = Path.of(conf.path("recordDir").asText(ChainedRecords.DEFAULT_DIR.toString()));
      String container = need(env, "CNI_CONTAINERID");
      switch (command) {
        case "ADD" -> stdout.println(add(env, conf, dir, container));
        case "DEL" -> ChainedRecords.delete(dir, container);
        case "CHECK" -> check(dir, container);
        default ->
            throw new CniError(
                INVALID_ENVIRONMENT, "CNI_COMMAND: unknown command \"" + command + "\"");
      }
      return 0;
    } catch (CniError e) {
      stdout.println(error(version, e.code, e.getMessage()));
    } catch (IOException e) {
      stdout.println(error(version, IO_FAILURE, "palisade: " + e.getMessage()));
    } catch (IllegalArgumentException e) {
      stdout.println(error(version, INVALID_CONFIG, e.getMessage()));
    }
    return 1;
  }

  /** Records every address of the previous result against the pod's host veth. */
  private static ObjectNode add(Map<String, String> env, JsonNode conf, Path dir, String container)
      throws CniError, IOException {
    JsonNode prev = conf.path("prevResult");
    if (!prev.isObject()) {
      throw new CniError(
          INVALID_CONFIG, "prevResult: missing; palisade runs chained after the main CNI plugin");
    }
    String netns = need(env, "CNI_NETNS");
    String ifname = need(env, "CNI_IFNAME");
    Rtnetlink.Link host;
    try {
      host = VethPeer.hostSide(netns, ifname);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CniError(NO_HOST_VETH, "palisade: cannot find the host veth: " + e.getMessage());
    }
    List<ChainedRecords.Entry> entries = new ArrayList<>();
    JsonNode ips = prev.path("ips");
    for (int n = 0; n < ips.size(); n++) {
      int i = n;
      String address = ips.get(i).path("address").asText("");
      String bare = address.contains("/") ? address.substring(0, address.indexOf('/')) : address;
      byte[] parsed =
          CidrPrefix.parseAddress(bare)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "prevResult.ips["
                              + i
                              + "].address: \""
                              + address
                              + "\" is not an address"));
      entries.add(new ChainedRecords.Entry(CidrPrefix.host(parsed), host.name(), host.ifindex()));
    }
    if (entries.isEmpty()) {
      throw new CniError(INVALID_CONFIG, "prevResult.ips: the main plugin gave the pod no address");
    }
    ChainedRecords.write(dir, container, entries);
    ObjectNode result = ((ObjectNode) prev).deepCopy();
    result.put("cniVersion", conf.path("cniVersion").asText("1.0.0"));
    return result;
  }

  private static void check(Path dir, String container) throws CniError {
    List<String> problems = new ArrayList<>();
    boolean recorded =
        ChainedRecords.read(dir, problems).values().stream()
            .flatMap(List::stream)
            .anyMatch(r -> r.containerId().equals(container));
    if (!recorded) {
      throw new CniError(NO_HOST_VETH, "palisade: no record for container " + container);
    }
  }

  private static JsonNode config(InputStream stdin) throws CniError {
    try {
      JsonNode conf = JSON.readTree(stdin);
      if (conf == null || !conf.isObject()) {
        throw new CniError(
            DECODE_FAILURE, "the network configuration on stdin is not a JSON object");
      }
      return conf;
    } catch (IOException e) {
      throw new CniError(DECODE_FAILURE, "the network configuration on stdin: " + e.getMessage());
    }
  }

  private static String need(Map<String, String> env, String name) throws CniError {
    String v = env.get(name);
    if (v == null || v.isEmpty()) {
      throw new CniError(INVALID_ENVIRONMENT, name + ": not set");
    }
    return v;
  }

  private static ObjectNode error(String version, int code, String message) {
    return JSON.createObjectNode().put("cniVersion", version).put("code", code).put("msg", message);
  }
}
