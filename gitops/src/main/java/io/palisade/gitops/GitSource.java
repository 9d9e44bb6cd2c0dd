package io.palisade.gitops;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where policies live in Git: the spec of a PolicySource (and of standalone {@code --policies URL})
 * without the Kubernetes parts. {@link #validate()} reports every error at its field path.
 */
public record GitSource(
    String url,
    GitRef ref,
    String path,
    Duration timeout,
    Optional<Credentials> credentials,
    Optional<Verification> verify) {

  /** Flux's default for git operations. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  /** A source of the whole repository, no credentials, no verification. */
  public static GitSource of(String url, GitRef ref) {
    return new GitSource(url, ref, "", DEFAULT_TIMEOUT, Optional.empty(), Optional.empty());
  }

  public GitSource withPath(String newPath) {
    return new GitSource(url, ref, newPath, timeout, credentials, verify);
  }

  public GitSource withTimeout(Duration newTimeout) {
    return new GitSource(url, ref, path, newTimeout, credentials, verify);
  }

  public GitSource withCredentials(Credentials c) {
    return new GitSource(url, ref, path, timeout, Optional.of(c), verify);
  }

  public GitSource withVerify(Verification v) {
    return new GitSource(url, ref, path, timeout, credentials, Optional.of(v));
  }

  /** {@code path} without leading or trailing slashes; empty for the repository's root. */
  public String normalizedPath() {
    String p = path == null ? "" : path.strip();
    while (p.startsWith("./")) p = p.substring(2);
    p = p.replaceAll("^/+|/+$", "");
    return p.equals(".") ? "" : p;
  }

  /** Every error in the spec; empty when it is valid. */
  public List<SpecError> validate() {
    List<SpecError> errors = new ArrayList<>();
    Optional<String> scheme = validateUrl(errors);
    if (ref == null) {
      errors.add(new SpecError("spec.ref", "set one of branch, tag, semver or commit"));
    } else {
      errors.addAll(ref.validate());
    }
    validatePath(errors);
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      errors.add(new SpecError("spec.timeout", "must be positive, was " + timeout));
    } else if (timeout.compareTo(MAX_TIMEOUT) > 0) {
      errors.add(new SpecError("spec.timeout", timeout + " exceeds " + MAX_TIMEOUT));
    }
    scheme.ifPresent(s -> credentials.ifPresent(c -> errors.addAll(c.validate(s))));
    if (scheme.isPresent() && scheme.get().equals("ssh") && credentials.isEmpty()) {
      errors.add(new SpecError("spec.secretRef", "an ssh:// URL needs identity and known_hosts"));
    }
    verify.ifPresent(v -> errors.addAll(v.validate(ref)));
    return errors;
  }

  /**
   * This source, when valid.
   *
   * @throws InvalidSourceException with every error otherwise
   */
  public GitSource requireValid() {
    List<SpecError> errors = validate();
    if (!errors.isEmpty()) {
      throw new InvalidSourceException(errors);
    }
    return this;
  }

  private Optional<String> validateUrl(List<SpecError> errors) {
    if (url == null || url.isBlank()) {
      errors.add(new SpecError("spec.url", "must not be empty"));
      return Optional.empty();
    }
    if (url.matches("[\\w.-]+@[\\w.-]+:.*")) {
      errors.add(
          new SpecError("spec.url", '"' + url + "\" is scp-like: write ssh://user@host/path"));
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      errors.add(new SpecError("spec.url", '"' + url + "\" is not a URL: " + e.getReason()));
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    Optional<String> problem =
        switch (scheme) {
          case "https", "ssh" ->
              uri.getHost() == null ? Optional.of("has no host") : Optional.empty();
          case "http" ->
              loopback(uri.getHost())
                  ? Optional.empty()
                  : Optional.of("uses http://, accepted only for a loopback host: use https://");
          case "file" ->
              uri.getPath() == null || !uri.getPath().startsWith("/")
                  ? Optional.of("needs an absolute path")
                  : Optional.empty();
          default -> Optional.of("must start with https://, ssh:// or file://");
        };
    if (problem.isEmpty() && uri.getUserInfo() != null && uri.getUserInfo().contains(":")) {
      problem = Optional.of("must not embed a password: put credentials in the Secret");
    }
    problem.ifPresent(p -> errors.add(new SpecError("spec.url", '"' + url + "\" " + p)));
    return problem.isEmpty() ? Optional.of(scheme) : Optional.empty();
  }

  /** Literal loopback addresses only: deciding by a DNS answer would let DNS lift the rule. */
  private static boolean loopback(String host) {
    return host != null
        && (host.equals("localhost")
            || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
            || host.equals("[::1]"));
  }

  private void validatePath(List<SpecError> errors) {
    String p = normalizedPath();
    if (path != null && path.strip().startsWith("/")) {
      errors.add(
          new SpecError("spec.path", '"' + path + "\" must be relative to the repository root"));
    } else if (List.of(p.split("/")).contains("..")) {
      errors.add(new SpecError("spec.path", '"' + path + "\" must not contain '..'"));
    } else if (p.contains("\\") || p.contains("//")) {
      errors.add(new SpecError("spec.path", '"' + path + "\" must use single '/' separators"));
    }
  }
}
