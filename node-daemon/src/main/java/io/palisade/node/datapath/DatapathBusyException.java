package io.palisade.node.datapath;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Another process already writes the datapath pinned under a directory. Two writers would each
 * converge the maps to their own state and undo each other's writes, so the second one stops.
 */
public final class DatapathBusyException extends IllegalStateException {

  private final transient Optional<Long> holder;

  DatapathBusyException(Path pinRoot, Optional<Long> holder) {
    super(message(pinRoot, holder));
    this.holder = holder;
  }

  /** The PID of the process holding the pins, when /proc/locks shows it. */
  public Optional<Long> holder() {
    return holder;
  }

  private static String message(Path pinRoot, Optional<Long> holder) {
    String who =
        holder
            .map(
                pid ->
                    "process " + pid + PinLock.commandLine(pid).map(c -> " (" + c + ")").orElse(""))
            .orElse("another process");
    return "the datapath pinned under "
        + pinRoot
        + " is already written by "
        + who
        + "; one writer per datapath, so this one does not start. Stop that process first, or"
        + " give this one other pins (--pin-root / --bpf-pins)";
  }
}
