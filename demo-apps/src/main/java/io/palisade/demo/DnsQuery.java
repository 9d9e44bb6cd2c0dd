package io.palisade.demo;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * One A query from a pod to a resolver, as its stub resolver sends it (UDP, port 53), with the
 * answer as one line on stdout: {@code ANSWER address...} when it holds addresses, else {@code
 * RCODE name} ({@code REFUSED}, {@code NXDOMAIN}, ...). No answer within three seconds prints
 * {@code FAILED} and exits 1: the demo's DNS proxy always answers, so silence is a fault, not a
 * verdict. Unlike {@code getent}, it tells a refusal from a name that does not exist.
 */
public final class DnsQuery {

  static final String USAGE = "RESOLVER NAME";

  static final Duration TIMEOUT = Duration.ofSeconds(3);

  /** What the command line asks for. */
  record Query(String resolver, Name name) {

    /**
     * The query {@code args} give.
     *
     * @throws IllegalArgumentException naming the argument that is wrong
     */
    static Query parse(String... args) {
      if (args.length != 2) {
        throw new IllegalArgumentException("expected 2 arguments, got " + args.length);
      }
      String resolver = Endpoint.address("RESOLVER", args[0]);
      try {
        return new Query(resolver, Name.fromString(args[1], Name.root));
      } catch (TextParseException e) {
        throw new IllegalArgumentException("NAME: \"" + args[1] + "\": " + e.getMessage());
      }
    }
  }

  private DnsQuery() {}

  public static void main(String[] args) {
    Query q = null;
    try {
      q = Query.parse(args);
    } catch (IllegalArgumentException e) {
      Programs.usage("DnsQuery", USAGE, e);
    }
    try {
      SimpleResolver resolver = new SimpleResolver(q.resolver());
      resolver.setTimeout(TIMEOUT);
      System.out.println(
          describe(resolver.send(Message.newQuery(Record.newRecord(q.name(), Type.A, DClass.IN)))));
    } catch (IOException e) {
      System.out.println(
          "FAILED no answer from " + q.resolver() + " within " + TIMEOUT.toSeconds() + " s: " + e);
      System.exit(1);
    }
  }

  /** The line an answer prints. */
  static String describe(Message answer) {
    List<String> addresses = new ArrayList<>();
    for (Record r : answer.getSection(Section.ANSWER)) {
      if (r instanceof ARecord a) {
        addresses.add(a.getAddress().getHostAddress());
      }
    }
    if (answer.getRcode() == Rcode.NOERROR && !addresses.isEmpty()) {
      return "ANSWER " + String.join(" ", addresses);
    }
    return "RCODE " + Rcode.string(answer.getRcode());
  }
}
