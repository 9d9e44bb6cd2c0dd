package io.palisade.node.discovery;

import io.palisade.policy.identity.CidrPrefix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One look at the host's tables for one discovery pass: links, neighbours, bridge forwarding
 * entries and chained CNI records, each read from the kernel (or the directory) when first needed
 * and then kept, so a pass sees one consistent picture and costs one dump per table.
 */
final class HostTables {

  private final Path recordDir;
  private Map<Integer, Rtnetlink.Link> byIndex;
  private Map<String, Rtnetlink.Link> byName;
  private List<Rtnetlink.Neighbour> neighbours;
  private List<Rtnetlink.FdbEntry> fdb;
  private Map<CidrPrefix, List<ChainedRecords.Recorded>> records;
  private final List<String> recordProblems = new ArrayList<>();

  HostTables(Path recordDir) {
    this.recordDir = recordDir;
  }

  Optional<Rtnetlink.Link> link(int ifindex) {
    links();
    return Optional.ofNullable(byIndex.get(ifindex));
  }

  Optional<Rtnetlink.Link> link(String name) {
    links();
    return Optional.ofNullable(byName.get(name));
  }

  private void links() {
    if (byIndex == null) {
      byIndex = new HashMap<>();
      byName = new HashMap<>();
      for (Rtnetlink.Link l : Rtnetlink.links()) {
        byIndex.put(l.ifindex(), l);
        byName.put(l.name(), l);
      }
    }
  }

  /** The resolved neighbour entries of {@code address}, on any device. */
  List<Rtnetlink.Neighbour> neighbours(CidrPrefix address) {
    if (neighbours == null) {
      neighbours = Rtnetlink.neighbours();
    }
    return neighbours.stream()
        .filter(n -> n.resolved() && Arrays.equals(n.address(), address.address()))
        .toList();
  }

  /** The veth ports of {@code bridge} that {@code mac} was learned on (or set for). */
  List<String> bridgePorts(String mac, int bridge) {
    if (fdb == null) {
      fdb = Rtnetlink.fdb();
    }
    List<String> out = new ArrayList<>();
    for (Rtnetlink.FdbEntry e : fdb) {
      if (e.isPortEntry() && e.bridge() == bridge && e.mac().equals(mac) && e.port() != bridge) {
        link(e.port())
            .filter(l -> l.isVeth() && l.master() == bridge)
            .ifPresent(l -> out.add(l.name()));
      }
    }
    return out.stream().distinct().toList();
  }

  List<ChainedRecords.Recorded> records(CidrPrefix address) {
    if (records == null) {
      records = ChainedRecords.read(recordDir, recordProblems);
    }
    return records.getOrDefault(address, List.of());
  }

  /** Lines of the record directory that could not be read, once per pass. */
  List<String> recordProblems() {
    List<String> out = List.copyOf(recordProblems);
    recordProblems.clear();
    return out;
  }
}
