package io.palisade.gitops;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * An Apache MINA sshd server on 127.0.0.1 that runs {@code git-upload-pack} for the repositories
 * under {@code root}, admitting only the public keys in an authorized_keys file.
 */
final class SshGitServer implements AutoCloseable {

  private static final Pattern COMMAND = Pattern.compile("git[ -]upload-pack '?/?([^']+?)'?");

  private final SshServer sshd;
  private final Path root;

  SshGitServer(Path root, Path authorizedKeys, Path hostKey) throws IOException {
    this.root = root;
    sshd = SshServer.setUpDefaultServer();
    sshd.setHost("127.0.0.1");
    sshd.setPort(0);
    sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(hostKey));
    sshd.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(authorizedKeys));
    sshd.setPasswordAuthenticator(null);
    sshd.setKeyboardInteractiveAuthenticator(null);
    sshd.setCommandFactory((channel, command) -> new UploadPack(command));
    sshd.start();
  }

  int port() {
    return sshd.getPort();
  }

  String url(String repo) {
    return "ssh://git@127.0.0.1:" + port() + "/" + repo;
  }

  /** The known_hosts line for this server's host key. */
  String knownHostsLine() throws Exception {
    List<KeyPair> keys = (List<KeyPair>) sshd.getKeyPairProvider().loadKeys(null);
    return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(keys.getFirst().getPublic());
  }

  @Override
  public void close() throws IOException {
    sshd.stop(true);
  }

  /** {@code git upload-pack <repo>} as a child process wired to the channel. */
  private final class UploadPack implements Command {
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private Process process;

    UploadPack(String command) {
      this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
      Matcher m = COMMAND.matcher(command.strip());
      Path repo = m.matches() ? root.resolve(m.group(1)).normalize() : null;
      if (repo == null || !repo.startsWith(root)) {
        err.write(("unsupported command: " + command + "\n").getBytes());
        err.flush();
        exit.onExit(1);
        return;
      }
      ProcessBuilder pb = new ProcessBuilder("git", "upload-pack", repo.toString());
      pb.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
      String protocol = env.getEnv().get("GIT_PROTOCOL");
      if (protocol != null) pb.environment().put("GIT_PROTOCOL", protocol);
      process = pb.start();
      Thread.ofPlatform().daemon().start(() -> pump(in, process.getOutputStream(), true));
      Thread errors =
          Thread.ofPlatform().daemon().start(() -> pump(process.getErrorStream(), err, false));
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                pump(process.getInputStream(), out, false);
                try {
                  errors.join();
                  exit.onExit(process.waitFor());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
    }

    private static void pump(InputStream from, OutputStream to, boolean closeTo) {
      byte[] buf = new byte[16384];
      try {
        for (int n; (n = from.read(buf)) > 0; ) {
          to.write(buf, 0, n);
          to.flush();
        }
        if (closeTo) to.close();
      } catch (IOException e) {
        // the other side went away
      }
    }

    @Override
    public void destroy(ChannelSession channel) {
      if (process != null) process.destroyForcibly();
    }
  }
}
