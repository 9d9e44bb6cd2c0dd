package io.palisade.operator.source;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.palisade.crds.palisade.PolicySource;
import io.palisade.crds.palisade.PolicySourceSpec;
import io.palisade.crds.palisade.SourceRef;
import io.palisade.crds.palisade.SourceVerify;
import io.palisade.crds.palisade.SourceWebhook;
import io.palisade.gitops.Credentials;
import io.palisade.gitops.GitRef;
import io.palisade.gitops.GitSource;
import io.palisade.gitops.InvalidSourceException;
import io.palisade.gitops.SpecError;
import io.palisade.gitops.Verification;
import io.palisade.gitops.WebhookVerifier;
import io.palisade.pipeline.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a PolicySource and the Secrets it names into a {@link SourceSpec}, or into every error of
 * the spec at once, each at its field path. Pure apart from the Secret lookup it is given.
 */
public final class SourceSpecReader {

  /** The shortest interval accepted: a webhook is the way to sync faster. */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  private final Function<String, Optional<Map<String, String>>> secrets;

  /** False when Secrets are not read at all: their contents are then nobody's error. */
  private final boolean secretsRead;

  /**
   * @param secrets the decoded data of a Secret of the source's namespace, by name
   */
  public SourceSpecReader(Function<String, Optional<Map<String, String>>> secrets) {
    this(secrets, true);
  }

  private SourceSpecReader(
      Function<String, Optional<Map<String, String>>> secrets, boolean secretsRead) {
    this.secrets = secrets;
    this.secretsRead = secretsRead;
  }

  /**
   * Every error of the spec that no Secret decides: what admission can refuse. A Secret a source
   * names may well be created after it (in the same GitOps apply), so a missing Secret, or what one
   * holds, is left to the reconciler, which reports it in status.
   */
  public static List<SpecError> specErrors(PolicySource source) {
    return switch (new SourceSpecReader(name -> Optional.empty(), false).read(source)) {
      case Read.Valid v -> List.of();
      case Read.Invalid i -> i.errors();
    };
  }

  /** The outcome of reading a spec. */
  public sealed interface Read {
    record Valid(SourceSpec spec) implements Read {}

    record Invalid(List<SpecError> errors) implements Read {}
  }

  public Read read(PolicySource source) {
    PolicySourceSpec s = source.getSpec();
    if (s == null) {
      return new Read.Invalid(List.of(new SpecError("spec", "must be set")));
    }
    List<SpecError> errors = new ArrayList<>();
    GitRef ref = ref(s.ref(), errors);
    Duration timeout = duration("spec.timeout", s.timeout(), GitSource.DEFAULT_TIMEOUT, errors);
    Duration interval =
        duration("spec.interval", s.interval(), SourceSpec.DEFAULT_INTERVAL, errors);
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      errors.add(new SpecError("spec.interval", interval + " is shorter than " + MIN_INTERVAL));
    }
    GitSource git =
        new GitSource(
            s.url(),
            ref,
            s.path() == null ? "" : s.path(),
            timeout,
            credentials(s.secretRef(), errors),
            verification(s.verify(), ref, errors));
    for (SpecError e : git.validate()) {
      // Without its Secret, an ssh:// source's credentials are unknown, not missing.
      if (secretsRead || s.secretRef() == null || !e.field().equals("spec.secretRef")) {
        errors.add(e);
      }
    }
    Optional<SourceSpec.DeletionPolicy> deletion = deletionPolicy(s.deletionPolicy(), errors);
    Optional<SourceSpec.Webhook> webhook = webhook(s.webhook(), errors);
    if (!errors.isEmpty()) {
      return new Read.Invalid(dedupe(errors));
    }
    return new Read.Valid(
        new SourceSpec(
            git,
            interval,
            s.prune() == null || s.prune(),
            Boolean.TRUE.equals(s.suspend()),
            deletion.orElseThrow(),
            webhook));
  }

  /**
   * The deletion policy of a source whatever else is wrong with it: {@code Delete} only when the
   * spec says exactly that, so a mistyped spec never deletes policies.
   */
  public static SourceSpec.DeletionPolicy deletionPolicyOf(PolicySource source) {
    return source.getSpec() != null && "Delete".equals(source.getSpec().deletionPolicy())
        ? SourceSpec.DeletionPolicy.DELETE
        : SourceSpec.DeletionPolicy.ORPHAN;
  }

  /** Exactly one of the ref's fields; the branch {@code main} when the ref is left out. */
  private static GitRef ref(SourceRef r, List<SpecError> errors) {
    if (r == null) {
      return GitRef.branch("main");
    }
    List<GitRef> set = new ArrayList<>();
    Optional.ofNullable(r.branch()).map(GitRef::branch).ifPresent(set::add);
    Optional.ofNullable(r.tag()).map(GitRef::tag).ifPresent(set::add);
    Optional.ofNullable(r.semver()).map(GitRef::semver).ifPresent(set::add);
    Optional.ofNullable(r.commit()).map(GitRef::commit).ifPresent(set::add);
    if (set.size() > 1) {
      errors.add(
          new SpecError(
              "spec.ref",
              "set exactly one of branch, tag, semver or commit; found "
                  + set.stream().map(GitRef::field).toList()));
    }
    return set.isEmpty() ? null : set.getFirst();
  }

  private static Duration duration(
      String field, String text, Duration absent, List<SpecError> errors) {
    if (text == null) {
      return absent;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      errors.add(new SpecError(field, e.getMessage()));
      return absent;
    }
  }

  private Optional<Credentials> credentials(LocalObjectReference ref, List<SpecError> errors) {
    return secret("spec.secretRef", ref, errors)
        .flatMap(
            data -> {
              try {
                return Optional.of(Credentials.fromSecret(data));
              } catch (InvalidSourceException e) {
                errors.addAll(e.errors());
                return Optional.empty();
              }
            });
  }

  private Optional<Verification> verification(SourceVerify v, GitRef ref, List<SpecError> errors) {
    if (v == null) {
      return Optional.empty();
    }
    Verification.Mode mode =
        switch (v.mode() == null ? "" : v.mode().toUpperCase(Locale.ROOT)) {
          case "HEAD" -> Verification.Mode.HEAD;
          case "TAG" -> Verification.Mode.TAG;
          default -> {
            errors.add(
                new SpecError(
                    "spec.verify.mode", quote(v.mode()) + " must be HEAD (the commit) or Tag"));
            yield null;
          }
        };
    if (mode == Verification.Mode.TAG
        && !(ref instanceof GitRef.Tag || ref instanceof GitRef.SemVer)) {
      // Also checked with the keys; said here too, for a spec read without its Secrets.
      errors.add(new SpecError("spec.verify.mode", "Tag needs spec.ref.tag or spec.ref.semver"));
    }
    if (v.secretRef() == null) {
      errors.add(new SpecError("spec.verify.secretRef", "must name the Secret of trusted keys"));
      return Optional.empty();
    }
    return secret("spec.verify.secretRef", v.secretRef(), errors)
        .map(keys -> new Verification(mode, keys))
        .filter(x -> mode != null);
  }

  private static Optional<SourceSpec.DeletionPolicy> deletionPolicy(
      String text, List<SpecError> errors) {
    if (text == null || text.equals("Orphan")) {
      return Optional.of(SourceSpec.DeletionPolicy.ORPHAN);
    }
    if (text.equals("Delete")) {
      return Optional.of(SourceSpec.DeletionPolicy.DELETE);
    }
    errors.add(new SpecError("spec.deletionPolicy", quote(text) + " must be Orphan or Delete"));
    return Optional.empty();
  }

  private Optional<SourceSpec.Webhook> webhook(SourceWebhook w, List<SpecError> errors) {
    if (w == null) {
      return Optional.empty();
    }
    WebhookVerifier.Provider provider =
        switch (w.type() == null ? "github" : w.type()) {
          case "github" -> WebhookVerifier.Provider.GITHUB;
          case "gitlab" -> WebhookVerifier.Provider.GITLAB;
          case "generic-hmac" -> WebhookVerifier.Provider.GENERIC_HMAC;
          default -> {
            errors.add(
                new SpecError(
                    "spec.webhook.type",
                    quote(w.type()) + " must be github, gitlab or generic-hmac"));
            yield null;
          }
        };
    if (w.secretRef() == null) {
      errors.add(new SpecError("spec.webhook.secretRef", "must name the Secret of the token"));
      return Optional.empty();
    }
    Optional<String> token =
        secret("spec.webhook.secretRef", w.secretRef(), errors)
            .map(data -> data.getOrDefault("token", ""))
            .filter(
                t -> {
                  if (t.isBlank()) {
                    errors.add(
                        new SpecError("spec.webhook.secretRef", "the Secret has no key token"));
                  }
                  return !t.isBlank();
                });
    return token
        .filter(t -> provider != null)
        .map(t -> new SourceSpec.Webhook(provider, t.strip()));
  }

  /** The Secret's data, or empty after recording why not; empty too when none is named. */
  private Optional<Map<String, String>> secret(
      String field, LocalObjectReference ref, List<SpecError> errors) {
    if (ref == null) {
      return Optional.empty();
    }
    if (ref.getName() == null || ref.getName().isBlank()) {
      errors.add(new SpecError(field + ".name", "must be set"));
      return Optional.empty();
    }
    if (!secretsRead) {
      return Optional.empty();
    }
    Optional<Map<String, String>> data = secrets.apply(ref.getName());
    if (data.isEmpty()) {
      errors.add(
          new SpecError(
              field + ".name", "Secret " + quote(ref.getName()) + " not found in the namespace"));
    }
    return data;
  }

  /** One line per problem, though two checks may find the same one. */
  private static List<SpecError> dedupe(List<SpecError> errors) {
    return errors.stream().distinct().toList();
  }

  private static String quote(String s) {
    return s == null ? "null" : '"' + s + '"';
  }
}
