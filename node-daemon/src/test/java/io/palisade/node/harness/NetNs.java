package io.palisade.node.harness;

import io.palisade.node.bpf.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A network namespace made by a test, with one platform thread living inside it: sockets made and
 * interfaces looked up on that thread belong to the namespace, because network namespaces are per
 * thread. Closing deletes the namespace.
 */
public final class NetNs implements AutoCloseable {

  private final String name;
  private final ExecutorService thread;

  private NetNs(String name) {
    this.name = name;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "netns-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  public static NetNs create(String name) {
    Sh.must("ip", "netns", "add", name);
    NetNs ns = new NetNs(name);
    try {
      ns.ip("link", "set", "lo", "up");
      ns.call(
          () -> {
            int fd = Libc.openReadOnly("/var/run/netns/" + name);
            try {
              Libc.setns(fd, Libc.CLONE_NEWNET);
            } finally {
              Libc.close(fd);
            }
            return null;
          });
      return ns;
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  /** Runs {@code task} on the thread inside the namespace. */
  public <T> T call(Callable<T> task) {
    try {
      return thread.submit(task).get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code ip -n <ns> ...}, failing on error. */
  public String ip(String... args) {
    String[] cmd = new String[args.length + 3];
    cmd[0] = "ip";
    cmd[1] = "-n";
    cmd[2] = name;
    System.arraycopy(args, 0, cmd, 3, args.length);
    return Sh.must(cmd);
  }

  /**
   * Runs a command inside the namespace and returns its exit code and output. The program must
   * exist and run, and {@code ip netns exec} must have started it: otherwise {@link
   * HarnessException}, since {@code ip netns exec} reports a program it could not start with the
   * same exit code 1 that many probes use for "no answer".
   */
  public Sh.Result exec(String... args) {
    Path program = Tools.require(args[0]);
    String[] cmd = new String[args.length + 4];
    cmd[0] = "ip";
    cmd[1] = "netns";
    cmd[2] = "exec";
    cmd[3] = name;
    System.arraycopy(args, 0, cmd, 4, args.length);
    cmd[4] = program.toString();
    Sh.Result r = Sh.run(cmd);
    String out = r.output();
    if (r.exit() == 255
        || out.startsWith("exec of \"")
        || out.startsWith("Cannot open network namespace")) {
      throw new HarnessException(
          "could not run " + args[0] + " in namespace " + name + ": " + out.strip());
    }
    return r;
  }

  /**
   * Sets a {@code net.*} sysctl of this namespace through /proc/sys, written from the namespace's
   * own thread: /proc/sys/net shows the network namespace of the thread that opens it.
   */
  public void sysctl(String key, String value) {
    Path file = Path.of("/proc/sys", key.replace('.', '/'));
    call(
        () -> {
          try {
            Files.writeString(file, value);
          } catch (IOException e) {
            throw new HarnessException("could not set " + key + " in namespace " + name, e);
          }
          return null;
        });
  }

  @Override
  public void close() {
    thread.shutdownNow();
    Sh.run("ip", "netns", "del", name);
  }
}
