package io.palisade.node.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the daemons and standalone mode write their log lines: {@code text} as they are, or {@code
 * json}, one object per line ({@code time}, {@code level}, {@code logger}, {@code message}) for a
 * log collector to index. The {@code palisade-node: } prefix of a line becomes its logger.
 */
public enum LogFormat {
  text,
  json;

  /** {@code out} itself for text; for json, a stream that writes each line as one object. */
  public PrintStream wrap(PrintStream out, Clock clock) {
    return this == text
        ? out
        : new PrintStream(new JsonLines(out, clock), true, StandardCharsets.UTF_8);
  }

  /** {@code out} itself for text; for json, a writer that writes each line as one object. */
  public PrintWriter wrap(PrintWriter out, Clock clock) {
    if (this == text) {
      return out;
    }
    OutputStream lines = new JsonLines(new WriterStream(out), clock);
    return new PrintWriter(new OutputStreamWriter(lines, StandardCharsets.UTF_8), true);
  }

  /** Collects bytes up to each newline and writes the line as a JSON object. */
  private static final class JsonLines extends OutputStream {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final OutputStream target;
    private final Clock clock;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    JsonLines(OutputStream target, Clock clock) {
      this.target = target;
      this.clock = clock;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        emit();
      } else {
        line.write(b);
      }
    }

    @Override
    public synchronized void flush() {
      try {
        target.flush();
      } catch (java.io.IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void emit() {
      String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
      line.reset();
      int colon = text.indexOf(": ");
      boolean prefixed = colon > 0 && text.substring(0, colon).matches("palisade(-node)?");
      Map<String, String> entry = new LinkedHashMap<>();
      entry.put("time", clock.instant().toString());
      entry.put("level", "info");
      entry.put("logger", prefixed ? text.substring(0, colon) : "palisade");
      entry.put("message", prefixed ? text.substring(colon + 2) : text);
      try {
        target.write((JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8));
        target.flush();
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      } catch (java.io.IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A PrintWriter's characters as UTF-8 bytes, for {@link JsonLines} over a writer. */
  private static final class WriterStream extends OutputStream {
    private final PrintWriter out;

    WriterStream(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      out.print(new String(b, off, len, StandardCharsets.UTF_8));
    }

    @Override
    public void flush() {
      out.flush();
    }
  }
}
