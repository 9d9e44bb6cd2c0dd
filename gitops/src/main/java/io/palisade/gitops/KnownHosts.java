package io.palisade.gitops;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * The server host keys a source trusts, from the known_hosts text of its Secret: plain and hashed
 * ({@code |1|salt|hash}) host patterns, {@code [host]:port} for other ports. A host key not listed
 * is refused; there is no trust on first use and nothing is written back.
 */
final class KnownHosts implements ServerKeyDatabase {

  private record Entry(List<String> patterns, PublicKey key) {}

  private final List<Entry> entries;

  KnownHosts(String text) {
    List<Entry> parsed = new ArrayList<>();
    for (String line : text.lines().map(String::strip).toList()) {
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("@")) {
        continue; // @cert-authority and @revoked markers are not supported
      }
      String[] f = line.split("\\s+");
      if (f.length < 3 || !SshPublicKeys.TYPES.contains(f[1])) {
        continue;
      }
      try {
        PublicKey key = SshPublicKeys.toJca(Base64.getDecoder().decode(f[2]));
        parsed.add(new Entry(List.of(f[0].split(",")), key));
      } catch (IllegalArgumentException e) {
        // an unusable line trusts nothing
      }
    }
    this.entries = List.copyOf(parsed);
  }

  @Override
  public List<PublicKey> lookup(
      String connectAddress, InetSocketAddress remote, Configuration config) {
    List<String> names = names(connectAddress, remote);
    return entries.stream().filter(e -> matches(e, names)).map(Entry::key).toList();
  }

  @Override
  public boolean accept(
      String connectAddress,
      InetSocketAddress remote,
      PublicKey serverKey,
      Configuration config,
      CredentialsProvider provider) {
    byte[] presented = serverKey.getEncoded();
    return lookup(connectAddress, remote, config).stream()
        .anyMatch(k -> MessageDigest.isEqual(k.getEncoded(), presented));
  }

  /** How known_hosts names the host: {@code host} on port 22, {@code [host]:port} otherwise. */
  private static List<String> names(String connectAddress, InetSocketAddress remote) {
    List<String> names = new ArrayList<>();
    String host = connectAddress;
    int port = remote == null ? 22 : remote.getPort();
    if (host.startsWith("[") && host.contains("]:")) {
      names.add(host);
    } else {
      int colon = host.lastIndexOf(':');
      if (colon > 0 && host.indexOf(':') == colon) {
        port = Integer.parseInt(host.substring(colon + 1));
        host = host.substring(0, colon);
      }
      names.add(port == 22 ? host : "[" + host + "]:" + port);
    }
    if (remote != null && remote.getAddress() != null) {
      String ip = remote.getAddress().getHostAddress();
      names.add(port == 22 ? ip : "[" + ip + "]:" + port);
    }
    return names;
  }

  private static boolean matches(Entry e, List<String> names) {
    boolean hit = false;
    for (String pattern : e.patterns()) {
      boolean negated = pattern.startsWith("!");
      String p = negated ? pattern.substring(1) : pattern;
      boolean any = names.stream().anyMatch(n -> p.startsWith("|1|") ? hashed(p, n) : glob(p, n));
      if (any && negated) {
        return false;
      }
      hit |= any;
    }
    return hit;
  }

  private static boolean glob(String pattern, String name) {
    String regex = ("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
    return name.matches(regex);
  }

  /** OpenSSH's HashKnownHosts: {@code |1|base64(salt)|base64(HMAC-SHA1(salt, name))}. */
  private static boolean hashed(String pattern, String name) {
    String[] f = pattern.split("\\|");
    if (f.length != 4) return false;
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(f[2]), "HmacSHA1"));
      byte[] expected = Base64.getDecoder().decode(f[3]);
      return MessageDigest.isEqual(expected, mac.doFinal(name.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
