package io.palisade.gitops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to authenticate to the Git server, read from the keys of a source's Secret as Flux names
 * them: {@code username}/{@code password}, {@code bearerToken}, or {@code identity} and {@code
 * known_hosts} (with {@code password} for an encrypted key). No {@code toString} shows a secret.
 */
public sealed interface Credentials {

  /** Errors in the credentials for this URL scheme, each naming {@code spec.secretRef.<key>}. */
  List<SpecError> validate(String scheme);

  /** HTTP basic authentication; also how most forges take a personal access token. */
  record Basic(String username, String password) implements Credentials {
    @Override
    public List<SpecError> validate(String scheme) {
      List<SpecError> errors = new ArrayList<>();
      if (!scheme.startsWith("http")) {
        errors.add(
            new SpecError("spec.secretRef.username", "applies to http(s) URLs, not " + scheme));
      }
      if (username == null || username.isEmpty()) {
        errors.add(new SpecError("spec.secretRef.username", "must not be empty"));
      }
      if (password == null || password.isEmpty()) {
        errors.add(new SpecError("spec.secretRef.password", "must not be empty"));
      }
      return errors;
    }

    @Override
    public String toString() {
      return "Basic[username=" + username + ", password=***]";
    }
  }

  /** A bearer token, sent as {@code Authorization: Bearer <token>}. */
  record Token(String token) implements Credentials {
    @Override
    public List<SpecError> validate(String scheme) {
      List<SpecError> errors = new ArrayList<>();
      if (!scheme.startsWith("http")) {
        errors.add(
            new SpecError("spec.secretRef.bearerToken", "applies to http(s) URLs, not " + scheme));
      }
      if (token == null || token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        errors.add(
            new SpecError("spec.secretRef.bearerToken", "must be non-empty printable ASCII"));
      }
      return errors;
    }

    @Override
    public String toString() {
      return "Token[***]";
    }
  }

  /**
   * An SSH private key (OpenSSH or PEM) and the known_hosts lines the server's host key must match;
   * there is no trust on first use.
   */
  record SshKey(String identity, Optional<String> passphrase, String knownHosts)
      implements Credentials {
    @Override
    public List<SpecError> validate(String scheme) {
      List<SpecError> errors = new ArrayList<>();
      if (!scheme.equals("ssh")) {
        errors.add(
            new SpecError("spec.secretRef.identity", "applies to ssh:// URLs, not " + scheme));
      }
      if (identity == null || !identity.strip().startsWith("-----BEGIN ")) {
        errors.add(
            new SpecError("spec.secretRef.identity", "must be a PEM or OpenSSH private key"));
      }
      if (knownHosts == null
          || knownHosts.lines().noneMatch(l -> !l.isBlank() && !l.startsWith("#"))) {
        errors.add(
            new SpecError("spec.secretRef.known_hosts", "must hold the server's host key line(s)"));
      }
      return errors;
    }

    @Override
    public String toString() {
      return "SshKey[identity=***, knownHosts="
          + (knownHosts == null ? 0 : knownHosts.lines().count())
          + " line(s)]";
    }
  }

  /**
   * The credentials a Secret's data holds.
   *
   * @throws InvalidSourceException when the keys are mixed or incomplete
   */
  static Credentials fromSecret(Map<String, String> data) {
    Optional<String> user = Optional.ofNullable(data.get("username"));
    Optional<String> password = Optional.ofNullable(data.get("password"));
    Optional<String> token = Optional.ofNullable(data.get("bearerToken"));
    Optional<String> identity = Optional.ofNullable(data.get("identity"));
    int kinds =
        (user.isPresent() ? 1 : 0) + (token.isPresent() ? 1 : 0) + (identity.isPresent() ? 1 : 0);
    if (kinds != 1) {
      throw new InvalidSourceException(
          List.of(
              new SpecError(
                  "spec.secretRef",
                  "must hold exactly one of username/password, bearerToken, identity/known_hosts;"
                      + " found "
                      + data.keySet().stream().sorted().toList())));
    }
    if (identity.isPresent()) {
      return new SshKey(identity.get(), password, data.getOrDefault("known_hosts", ""));
    }
    return token
        .<Credentials>map(Token::new)
        .orElseGet(() -> new Basic(user.get(), password.orElse("")));
  }
}
