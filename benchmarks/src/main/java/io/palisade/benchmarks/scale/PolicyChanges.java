package io.palisade.benchmarks.scale;

import io.palisade.crds.api.LabelSelector;
import io.palisade.crds.api.PortProtocol;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.PolicyRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The stream of policy changes a run measures, from a seed: half move a port of one policy, three
 * in ten add or remove a peer selector, and one in ten each add a policy or delete one (an added
 * one first, so the cluster keeps its size). Each change is written as the next generation of a
 * real object and validated before it is handed out, as the reconciler does before it puts the
 * result in the inventory.
 */
final class PolicyChanges {

  enum Kind {
    PORT,
    ADD_PEER,
    REMOVE_PEER,
    ADD_POLICY,
    DELETE_POLICY
  }

  /** One change, ready to put in the inventory: the next generation, or the policy's deletion. */
  record Change(Kind kind, PolicyRef ref, Optional<PolicyValidation.Checked> next) {
    void applyTo(ClusterInventory inventory) {
      next.ifPresentOrElse(inventory::putPolicy, () -> inventory.removePolicy(ref));
    }
  }

  private final List<PolicyDraft> drafts;
  private final List<PolicyRef> added = new ArrayList<>();
  private final PolicyGenerator generator;
  private final PolicyValidation validation;
  private final Random random;
  private int additions;

  PolicyChanges(
      List<PolicyDraft> drafts,
      PolicyGenerator generator,
      PolicyValidation validation,
      Random random) {
    this.drafts = new ArrayList<>(drafts);
    this.generator = generator;
    this.validation = validation;
    this.random = random;
  }

  Change next() {
    int roll = random.nextInt(100);
    Kind kind =
        roll < 50
            ? Kind.PORT
            : roll < 65
                ? Kind.ADD_PEER
                : roll < 80 ? Kind.REMOVE_PEER : roll < 90 ? Kind.ADD_POLICY : Kind.DELETE_POLICY;
    return switch (kind) {
      case ADD_POLICY -> add();
      case DELETE_POLICY -> delete();
      default -> modify(kind);
    };
  }

  private Change modify(Kind kind) {
    int index = random.nextInt(drafts.size());
    PolicyDraft draft = drafts.get(index);
    List<PolicyDraft.From> ingress = new ArrayList<>(draft.ingress());
    int e = random.nextInt(ingress.size());
    PolicyDraft.From from = ingress.get(e);
    List<LabelSelector> peers = new ArrayList<>(from.peers());
    List<PortProtocol> ports = new ArrayList<>(from.ports());
    if (kind == Kind.PORT) {
      PortProtocol moved = generator.otherPort(ports);
      if (ports.isEmpty()) {
        ports.add(moved); // an L3 rule becomes an L4 one
      } else {
        ports.set(0, moved);
      }
    } else if (kind == Kind.REMOVE_PEER && peers.size() > 1) {
      peers.removeLast();
    } else {
      LabelSelector peer = generator.sameNamespacePeer(draft.namespace());
      if (peers.contains(peer)) {
        peers.remove(peer); // already allowed: the change is its removal
      } else {
        peers.add(peer);
      }
      if (peers.isEmpty()) {
        peers.add(generator.sameNamespacePeer(draft.namespace()));
      }
    }
    ingress.set(e, new PolicyDraft.From(peers, ports));
    PolicyDraft next = draft.withIngress(ingress);
    drafts.set(index, next);
    return put(kind, next);
  }

  private Change add() {
    PolicyDraft fresh = generator.fresh("added-" + additions++);
    drafts.add(fresh);
    added.add(fresh.ref());
    return put(Kind.ADD_POLICY, fresh);
  }

  private Change delete() {
    PolicyRef gone =
        added.isEmpty()
            ? drafts.get(random.nextInt(drafts.size())).ref()
            : added.remove(random.nextInt(added.size()));
    drafts.removeIf(d -> d.ref().equals(gone));
    return new Change(Kind.DELETE_POLICY, gone, Optional.empty());
  }

  private Change put(Kind kind, PolicyDraft draft) {
    PolicyValidation.Checked checked = validation.check(draft.toPolicy());
    if (!checked.valid()) {
      throw new IllegalStateException(draft.ref() + " is invalid: " + checked.errors());
    }
    return new Change(kind, draft.ref(), Optional.of(checked));
  }
}
