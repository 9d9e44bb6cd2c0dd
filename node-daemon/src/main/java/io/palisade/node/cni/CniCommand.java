package io.palisade.node.cni;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code palisade-node cni}: the chained CNI plugin. The container runtime passes everything in
 * {@code CNI_*} variables and the network configuration on stdin, as the CNI specification says, so
 * the subcommand takes no options of its own.
 */
@Command(
    name = "cni",
    mixinStandardHelpOptions = true,
    versionProvider = io.palisade.node.cli.VersionProvider.class,
    description = {
      "The chained CNI plugin: records each pod's address and host-side veth on ADD, removes the"
          + " record on DEL. Install it as /opt/cni/bin/palisade running 'palisade-node cni'."
    })
public final class CniCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    return ChainedCniPlugin.run(System.getenv(), System.in, System.out);
  }
}
