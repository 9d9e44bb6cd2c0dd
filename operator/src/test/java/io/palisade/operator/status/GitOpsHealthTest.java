package io.palisade.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.crds.palisade.PolicySourceStatus;
import io.palisade.gitops.ObjectRef;
import io.palisade.gitops.RevisionContent;
import io.palisade.gitops.SourceSync;
import io.palisade.gitops.SpecError;
import io.palisade.operator.source.RevisionRollout;
import io.palisade.operator.source.SourceStatusBuilder;
import io.palisade.operator.source.SourceStatusBuilder.Sync;
import io.palisade.pipeline.Enforcement;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.rules.PolicySet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What Flux (kstatus) and Argo CD (the Lua health check, run by Lua 5.1) make of every status the
 * operator writes, built by the operator's own {@link PolicyConditions} and {@link
 * SourceStatusBuilder}: each tool must read "done" only when the policy is enforced or the source
 * applied, "in progress" while it is on its way, and "failed/degraded" when a human must act.
 */
class GitOpsHealthTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T = Instant.parse("2026-12-03T10:00:00Z");
  static final List<FieldError> ERRORS =
      List.of(new FieldError("spec.egress[0].toCIDR[0]", "\"10.0.0.0/33\" is not a valid CIDR"));

  static Enforcement all(long revision) {
    return new Enforcement(3, 3, revision, List.of());
  }

  static PolicyStatus policy(
      long gen,
      List<FieldError> errors,
      Optional<Enforcement> e,
      Optional<Long> inForce,
      boolean l7) {
    return PolicyConditions.build(gen, errors, e, inForce, l7, Optional.empty(), T);
  }

  static PolicySourceStatus source(Sync sync) {
    return SourceStatusBuilder.build(
        1, Optional.empty(), sync, Optional.empty(), Optional.empty(), T);
  }

  static Sync applied() {
    ObjectRef a = new ObjectRef("cilium.io", "CiliumNetworkPolicy", "prod", "a");
    RevisionContent c =
        new RevisionContent(
            "main@sha1:1", "sha256:1", new PolicySet(), List.of(), List.of(), List.of());
    return new Sync.Rolled(
        c,
        new RevisionRollout.Result(
            List.of(a), Map.of(), List.of(), List.of(), Optional.empty(), Map.of(), List.of(a)));
  }

  /** A CNP (or a PolicySource) at {@code generation} carrying {@code status}. */
  static JsonNode object(String kind, long generation, Object status, boolean suspend) {
    ObjectNode o = JSON.createObjectNode();
    o.put("apiVersion", kind.equals("PolicySource") ? "palisade.io/v1alpha1" : "cilium.io/v2");
    o.put("kind", kind);
    o.putObject("metadata").put("name", "p").put("namespace", "prod").put("generation", generation);
    ObjectNode spec = o.putObject("spec");
    if (suspend) {
      spec.put("suspend", true);
    }
    if (status != null) {
      o.set("status", JSON.valueToTree(status));
    }
    return o;
  }

  static Stream<Arguments> statuses() {
    String cnp = "CiliumNetworkPolicy";
    String src = "PolicySource";
    return Stream.of(
        Arguments.of(
            "no status yet",
            object(cnp, 1, null, false),
            Kstatus.Result.IN_PROGRESS,
            "Progressing"),
        Arguments.of(
            "first sight",
            object(cnp, 1, policy(1, List.of(), Optional.empty(), Optional.empty(), false), false),
            Kstatus.Result.IN_PROGRESS,
            "Progressing"),
        Arguments.of(
            "on 1 of 3 nodes",
            object(
                cnp,
                1,
                policy(
                    1, List.of(), Optional.of(new Enforcement(3, 1, 9)), Optional.empty(), false),
                false),
            Kstatus.Result.IN_PROGRESS,
            "Progressing"),
        Arguments.of(
            "enforced everywhere",
            object(
                cnp, 1, policy(1, List.of(), Optional.of(all(9)), Optional.of(1L), false), false),
            Kstatus.Result.CURRENT,
            "Healthy"),
        Arguments.of(
            "enforced, but a newer generation not observed yet",
            object(
                cnp, 2, policy(1, List.of(), Optional.of(all(9)), Optional.of(1L), false), false),
            Kstatus.Result.IN_PROGRESS,
            "Progressing"),
        Arguments.of(
            "invalid",
            object(cnp, 1, policy(1, ERRORS, Optional.empty(), Optional.empty(), false), false),
            Kstatus.Result.FAILED,
            "Degraded"),
        Arguments.of(
            "invalid update, last good kept",
            object(cnp, 2, policy(2, ERRORS, Optional.empty(), Optional.of(1L), false), false),
            Kstatus.Result.FAILED,
            "Degraded"),
        Arguments.of(
            "L7 rules not enforced",
            object(
                "CiliumClusterwideNetworkPolicy",
                1,
                policy(1, List.of(), Optional.of(all(9)), Optional.of(1L), true),
                false),
            Kstatus.Result.FAILED,
            "Degraded"),
        Arguments.of(
            "source started",
            object(src, 1, source(new Sync.Started()), false),
            Kstatus.Result.IN_PROGRESS,
            "Progressing"),
        Arguments.of(
            "source applied",
            object(src, 1, source(applied()), false),
            Kstatus.Result.CURRENT,
            "Healthy"),
        Arguments.of(
            "source fetch failing, retried",
            object(
                src,
                1,
                source(new Sync.Failed(SourceSync.Stage.FETCH, "connection refused")),
                false),
            Kstatus.Result.IN_PROGRESS,
            "Degraded"),
        Arguments.of(
            "source signature refused",
            object(src, 1, source(new Sync.Failed(SourceSync.Stage.VERIFY, "unsigned")), false),
            Kstatus.Result.FAILED,
            "Degraded"),
        Arguments.of(
            "source spec invalid",
            object(
                src,
                1,
                source(new Sync.InvalidSpec(List.of(new SpecError("spec.url", "bad")))),
                false),
            Kstatus.Result.FAILED,
            "Degraded"),
        Arguments.of(
            "source suspended",
            object(src, 1, source(new Sync.Suspended()), true),
            Kstatus.Result.CURRENT,
            "Suspended"));
  }

  @ParameterizedTest(name = "{0}: kstatus {2}, Argo CD {3}")
  @MethodSource("statuses")
  void fluxAndArgoCdReadEachStatusAsMeant(
      String what, JsonNode object, Kstatus.Result flux, String argo) {
    assertThat(Kstatus.of(object)).as("kstatus").isEqualTo(flux);
    ArgoCdHealth.Health h = ArgoCdHealth.of(object);
    assertThat(h.status()).as("Argo CD health, message: " + h.message()).isEqualTo(argo);
    assertThat(h.message()).isNotBlank();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statuses")
  void argoCdSaysWhyInTheOperatorsOwnWords(
      String what, JsonNode object, Kstatus.Result flux, String argo) {
    ArgoCdHealth.Health h = ArgoCdHealth.of(object);
    if (argo.equals("Degraded")) {
      JsonNode ready =
          Stream.of(object.path("status").path("conditions"))
              .flatMap(cs -> java.util.stream.StreamSupport.stream(cs.spliterator(), false))
              .filter(c -> c.path("type").asText().equals("Ready"))
              .findFirst()
              .orElseThrow();
      assertThat(h.message()).startsWith(ready.path("reason").asText() + ": ");
    }
    if (what.equals("L7 rules not enforced")) {
      assertThat(h.message()).startsWith("L7NotEnforced: L3/L4 enforced on 3/3 nodes");
    }
  }
}
