package io.palisade.gitops;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.JGitKeyCache;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * Applies a source's credentials to a JGit transport command: basic auth, a bearer header, or an
 * SSH session that uses only the Secret's key and known_hosts (never the process's ~/.ssh).
 */
final class Transports implements AutoCloseable {

  private final Optional<SshdSessionFactory> ssh;
  private final Optional<Credentials> credentials;

  private Transports(Optional<Credentials> credentials, Optional<SshdSessionFactory> ssh) {
    this.credentials = credentials;
    this.ssh = ssh;
  }

  /** Transports for the source; {@code emptySshHome} is an empty directory to stand for ~/.ssh. */
  static Transports forSource(GitSource source, Path emptySshHome) throws FetchException {
    Optional<SshdSessionFactory> ssh = Optional.empty();
    if (source.credentials().orElse(null) instanceof Credentials.SshKey key) {
      ssh = Optional.of(sshFactory(key, emptySshHome));
    }
    return new Transports(source.credentials(), ssh);
  }

  void configure(TransportCommand<?, ?> command) {
    switch (credentials.orElse(null)) {
      case Credentials.Basic b ->
          command.setCredentialsProvider(
              new UsernamePasswordCredentialsProvider(b.username(), b.password()));
      case Credentials.Token t ->
          command.setTransportConfigCallback(
              transport -> {
                if (transport instanceof TransportHttp http) {
                  http.setAdditionalHeaders(Map.of("Authorization", "Bearer " + t.token()));
                }
              });
      case Credentials.SshKey k ->
          command.setTransportConfigCallback(
              transport -> {
                if (transport instanceof SshTransport s) {
                  s.setSshSessionFactory(ssh.orElseThrow());
                }
              });
      case null -> {}
    }
  }

  private static SshdSessionFactory sshFactory(Credentials.SshKey key, Path home)
      throws FetchException {
    List<KeyPair> identities = identities(key);
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    KnownHosts knownHosts = new KnownHosts(key.knownHosts());
    return new SshdSessionFactoryBuilder()
        .setHomeDirectory(home.toFile())
        .setSshDirectory(home.toFile())
        .setPreferredAuthentications("publickey")
        .setDefaultKeysProvider(dir -> identities)
        .setDefaultIdentities(dir -> List.of())
        .setServerKeyDatabase((homeDir, sshDir) -> knownHosts)
        .build(new JGitKeyCache());
  }

  private static List<KeyPair> identities(Credentials.SshKey key) throws FetchException {
    FilePasswordProvider password =
        key.passphrase().map(FilePasswordProvider::of).orElse(FilePasswordProvider.EMPTY);
    try {
      Iterable<KeyPair> pairs =
          SecurityUtils.loadKeyPairIdentities(
              null,
              NamedResource.ofName("secret identity"),
              new ByteArrayInputStream(key.identity().getBytes(StandardCharsets.UTF_8)),
              password);
      List<KeyPair> out = new java.util.ArrayList<>();
      if (pairs != null) pairs.forEach(out::add);
      if (out.isEmpty()) {
        throw new FetchException("spec.secretRef.identity: holds no usable private key");
      }
      return out;
    } catch (IOException | GeneralSecurityException e) {
      throw new FetchException("spec.secretRef.identity: cannot be read: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    ssh.ifPresent(SshdSessionFactory::close);
  }
}
