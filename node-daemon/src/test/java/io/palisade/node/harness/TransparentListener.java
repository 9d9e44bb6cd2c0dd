package io.palisade.node.harness;

import io.palisade.node.maps.Layouts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the node's L7 proxy, as a python3 process in a namespace: an {@code
 * IP_TRANSPARENT} listener per port that answers each connection with its local address (the
 * original destination) and its peer, and on {@code relay} connects to that destination with the
 * from-proxy mark. Closing ends the process.
 */
public final class TransparentListener implements AutoCloseable {

  private final Process process;
  private final Path script;

  private TransparentListener(Process process, Path script) {
    this.process = process;
    this.script = script;
  }

  /** Starts listening on {@code ports} in {@code ns}; returns once every port listens. */
  public static TransparentListener start(NetNs ns, int... ports) {
    Path python = Tools.require("python3");
    Path script;
    try (InputStream in =
        TransparentListener.class.getResourceAsStream("transparent_listener.py")) {
      script = Files.createTempFile("transparent_listener", ".py");
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                ns.name(),
                python.toString(),
                "-u",
                script.toString(),
                "0x" + Integer.toHexString(Layouts.MARK_FROM_PROXY)));
    for (int p : ports) {
      cmd.add(Integer.toString(p));
    }
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return out.readLine();
                    } catch (IOException e) {
                      return "unreadable: " + e;
                    }
                  })
              .get(20, TimeUnit.SECONDS);
      if (!"listening".equals(first)) {
        p.destroyForcibly();
        throw new HarnessException("the transparent listener did not start: " + first);
      }
      return new TransparentListener(p, script);
    } catch (IOException e) {
      throw new HarnessException("cannot start python3 in " + ns.name(), e);
    } catch (Exception e) {
      throw new HarnessException("the transparent listener did not start in time", e);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(script);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // a temp file left behind is harmless
    }
  }
}
