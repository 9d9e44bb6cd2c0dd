package io.palisade.proxy.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Reading and writing DNS messages, through dnsjava: the one place the proxy touches the wire. */
final class DnsMessages {

  private DnsMessages() {}

  static Optional<Message> parse(byte[] wire) {
    try {
      return Optional.of(new Message(wire));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** An answer to {@code query} with no records and {@code rcode} (REFUSED, SERVFAIL, ...). */
  static byte[] error(Message query, int rcode) {
    Message r = new Message(query.getHeader().getID());
    Header h = r.getHeader();
    h.setFlag(Flags.QR);
    h.setFlag(Flags.RA);
    if (query.getHeader().getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    h.setOpcode(query.getHeader().getOpcode());
    h.setRcode(rcode);
    Record q = query.getQuestion();
    if (q != null) {
      r.addRecord(q, Section.QUESTION);
    }
    return r.toWire();
  }

  /** An error answer to bytes that are no DNS message but start with an id; empty if none. */
  static Optional<byte[]> error(byte[] wire, int rcode) {
    if (wire.length < 2) {
      return Optional.empty();
    }
    return Optional.of(error(new Message(((wire[0] & 0xff) << 8) | (wire[1] & 0xff)), rcode));
  }

  /** The addresses of {@code response}, each under its record's name and under the question. */
  static DnsAnswer answer(InetSocketAddress client, String question, Message response) {
    List<DnsAnswer.Address> out = new ArrayList<>();
    for (Record r : response.getSection(Section.ANSWER)) {
      InetAddress a =
          switch (r) {
            case ARecord x -> x.getAddress();
            case AAAARecord x -> x.getAddress();
            default -> null;
          };
      if (a == null) {
        continue;
      }
      String owner = r.getName().toString();
      out.add(new DnsAnswer.Address(owner, a, r.getTTL()));
      if (!owner.equalsIgnoreCase(question)) {
        out.add(new DnsAnswer.Address(question, a, r.getTTL()));
      }
    }
    return new DnsAnswer(client, question, out);
  }
}
