package io.palisade.gitops;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A signed Git object split into what was signed and the signature, as git computes it: a commit's
 * {@code gpgsig} header is cut out of the object; a tag's signature is the message's trailing armor
 * block (or, in newer git, also a {@code gpgsig} header).
 */
record SignedPayload(byte[] payload, String signature) {

  private static final byte[] HEADER = "gpgsig ".getBytes(StandardCharsets.US_ASCII);

  /** The commit's signature, or empty when it is unsigned. */
  static Optional<SignedPayload> ofCommit(byte[] raw) {
    return fromHeader(raw);
  }

  /** The tag's signature, or empty when it is unsigned. */
  static Optional<SignedPayload> ofTag(byte[] raw) {
    Optional<SignedPayload> header = fromHeader(raw);
    if (header.isPresent()) {
      return header;
    }
    String text = new String(raw, StandardCharsets.ISO_8859_1); // byte offsets stay char offsets
    int at = -1;
    for (String armor :
        new String[] {
          OpenPgpKeys.ARMOR_BEGIN, SshSignatures.ARMOR_BEGIN, "-----BEGIN SIGNED MESSAGE-----"
        }) {
      int i = text.lastIndexOf("\n" + armor);
      if (i >= 0 && i > at) at = i + 1;
    }
    if (at < 0) {
      return Optional.empty();
    }
    byte[] payload = java.util.Arrays.copyOf(raw, at);
    return Optional.of(new SignedPayload(payload, text.substring(at)));
  }

  /** Cuts a {@code gpgsig} header (and its continuation lines) out of the object's header block. */
  private static Optional<SignedPayload> fromHeader(byte[] raw) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream(raw.length);
    StringBuilder sig = new StringBuilder();
    boolean inSig = false;
    boolean found = false;
    int pos = 0;
    boolean inHeaders = true;
    while (pos < raw.length) {
      int end = pos;
      while (end < raw.length && raw[end] != '\n') end++;
      int next = Math.min(end + 1, raw.length);
      if (inHeaders && end == pos) {
        inHeaders = false; // the blank line before the message
      }
      if (inHeaders && !found && startsWith(raw, pos, HEADER)) {
        inSig = true;
        found = true;
        sig.append(
            new String(
                raw, pos + HEADER.length, next - pos - HEADER.length, StandardCharsets.UTF_8));
      } else if (inHeaders && inSig && raw[pos] == ' ') {
        sig.append(new String(raw, pos + 1, next - pos - 1, StandardCharsets.UTF_8));
      } else {
        inSig = false;
        payload.write(raw, pos, next - pos);
      }
      pos = next;
    }
    return found
        ? Optional.of(new SignedPayload(payload.toByteArray(), sig.toString()))
        : Optional.empty();
  }

  private static boolean startsWith(byte[] raw, int at, byte[] prefix) {
    if (raw.length - at < prefix.length) return false;
    for (int i = 0; i < prefix.length; i++) {
      if (raw[at + i] != prefix[i]) return false;
    }
    return true;
  }
}
