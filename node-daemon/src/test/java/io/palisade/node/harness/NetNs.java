package io.palisade.node.harness;

import io.palisade.node.bpf.Libc;
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

  /** Runs a command inside the namespace. */
  public Sh.Result exec(String... args) {
    String[] cmd = new String[args.length + 4];
    cmd[0] = "ip";
    cmd[1] = "netns";
    cmd[2] = "exec";
    cmd[3] = name;
    System.arraycopy(args, 0, cmd, 4, args.length);
    return Sh.run(cmd);
  }

  public void sysctl(String key, String value) {
    Sh.Result r = exec("sysctl", "-qw", key + "=" + value);
    if (!r.ok()) {
      // sysctl(8) may be missing; /proc/sys is per network namespace for net.* keys.
      exec("sh", "-c", "echo " + value + " > /proc/sys/" + key.replace('.', '/'));
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    Sh.run("ip", "netns", "del", name);
  }
}
