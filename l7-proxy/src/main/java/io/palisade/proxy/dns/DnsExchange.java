package io.palisade.proxy.dns;

import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * What the proxy does with one query, whatever the transport: refuse what the policy does not
 * admit, forward the rest to the original resolver, and release an answer only after the node
 * learned its addresses. Runs on the event loops; the listener on its own thread.
 */
final class DnsExchange {

  private final Supplier<DnsPolicy> policy;
  private final DnsUpstream upstream;
  private final DnsAnswerListener listener;
  private final Executor listenerThread;
  private final DnsCounts counts;

  DnsExchange(
      Supplier<DnsPolicy> policy,
      DnsUpstream upstream,
      DnsAnswerListener listener,
      Executor listenerThread,
      DnsCounts counts) {
    this.policy = policy;
    this.upstream = upstream;
    this.listener = listener;
    this.listenerThread = listenerThread;
    this.counts = counts;
  }

  /**
   * @param server the resolver the client asked (the original destination)
   * @param upstreamAddress where to send it (the same, but for tests on loopback)
   */
  void handle(
      byte[] wire,
      InetSocketAddress client,
      InetSocketAddress server,
      InetSocketAddress upstreamAddress,
      boolean tcp,
      Consumer<byte[]> reply) {
    Message query = DnsMessages.parse(wire).orElse(null);
    if (query == null) {
      counts.malformed.increment();
      DnsMessages.error(wire, Rcode.FORMERR).ifPresent(reply);
      return;
    }
    if (query.getHeader().getFlag(Flags.QR)) {
      counts.malformed.increment();
      return; // a response is never forwarded, nor answered
    }
    if (query.getHeader().getOpcode() != Opcode.QUERY
        || query.getHeader().getCount(Section.QUESTION) != 1) {
      // Nothing else names one name that rules could be checked against.
      counts.refused.increment();
      reply.accept(DnsMessages.error(query, Rcode.REFUSED));
      return;
    }
    String name = query.getQuestion().getName().toString();
    DnsVerdict verdict;
    try {
      verdict = policy.get().decide(client, server, name);
    } catch (RuntimeException e) {
      verdict = DnsVerdict.refused("the policy failed: " + e.getMessage());
    }
    if (!verdict.allowed()) {
      counts.refused.increment();
      reply.accept(DnsMessages.error(query, Rcode.REFUSED));
      return;
    }
    counts.allowed.increment();
    upstream
        .exchange(upstreamAddress, wire, tcp)
        .whenComplete((answer, failed) -> answered(query, name, client, answer, failed, reply));
  }

  private void answered(
      Message query,
      String name,
      InetSocketAddress client,
      byte[] wire,
      Throwable failed,
      Consumer<byte[]> reply) {
    Message response = failed == null ? DnsMessages.parse(wire).orElse(null) : null;
    if (response == null
        || !response.getHeader().getFlag(Flags.QR)
        || response.getHeader().getID() != query.getHeader().getID()) {
      counts.upstreamFailures.increment();
      reply.accept(DnsMessages.error(query, Rcode.SERVFAIL));
      return;
    }
    DnsAnswer answer = DnsMessages.answer(client, name, response);
    if (answer.addresses().isEmpty()) {
      reply.accept(wire);
      return;
    }
    listenerThread.execute(
        () -> {
          try {
            listener.beforeRelease(answer);
            reply.accept(wire);
          } catch (Exception e) {
            counts.unlearned.increment();
            reply.accept(DnsMessages.error(query, Rcode.SERVFAIL));
          }
        });
  }

  /** What the proxy did, counted. */
  static final class DnsCounts {
    final LongAdder allowed = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder upstreamFailures = new LongAdder();
    final LongAdder unlearned = new LongAdder();
  }
}
