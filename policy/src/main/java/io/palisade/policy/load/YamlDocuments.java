package io.palisade.policy.load;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;

/**
 * Splits multi-document YAML into JSON trees, as Kubernetes reads YAML (aliases and merge keys
 * resolved, a key given twice refused: {@link ResolvedEvents}) and within bounds, so that no input
 * (a 50 MB file, {@code /dev/zero}, a pipe, a billion laughs, a 7 MB value, binary junk) costs
 * unbounded time or memory or ends in a stack trace: only regular files are read, at most {@link
 * #MAX_BYTES} of them; a line holds at most {@link #MAX_LINE} characters and a value {@link
 * ResolvedEvents#MAX_VALUE}; documents nest at most {@link #MAX_DEPTH} deep; aliases expand to at
 * most {@link ResolvedEvents#MAX_EXPANDED} values.
 */
public final class YamlDocuments {

  /** Far above any real policy file (the largest in Cilium's examples is under 20 KB). */
  public static final int MAX_BYTES = 8 * 1024 * 1024;

  /** A Cilium rule nests about 12 levels deep; 64 leaves room and stops stack exhaustion. */
  public static final int MAX_DEPTH = 64;

  /**
   * SnakeYAML's scanner copies its window for every 1 KB of a token it has not finished, so a token
   * of n characters costs n²/1024 copies: 7 MB take half a minute. Lines are measured before
   * parsing; a megabyte costs about 0.1 s.
   */
  public static final int MAX_LINE = 1024 * 1024;

  private final ObjectMapper mapper;

  public YamlDocuments() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_BYTES);
    // `to:` with nothing after it is null in YAML, as Kubernetes reads it, not an empty string.
    YAMLFactory factory =
        new ResolvingYamlFactory(
            YAMLFactory.builder()
                .loaderOptions(options)
                .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL));
    factory.setStreamReadConstraints(
        StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH)
            .maxStringLength(ResolvedEvents.MAX_VALUE)
            .maxDocumentLength(MAX_BYTES)
            .build());
    this.mapper =
        new ObjectMapper(factory)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  }

  /** A file that cannot be used as YAML text, with the reason. */
  public static final class UnreadableFileException extends IOException {
    public UnreadableFileException(String message) {
      super(message);
    }
  }

  /**
   * The text of a YAML file. Only a regular file is opened (a pipe would block the reader, a device
   * never end), at most {@link #MAX_BYTES} + 1 bytes of it are read, and it must be UTF-8, so that
   * each of these gets one clear line.
   */
  public static String readText(Path file) throws UnreadableFileException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        throw new UnreadableFileException(
            attributes.isDirectory()
                ? "is a directory"
                : "is not a regular file (a device, pipe or socket is never read)");
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
      if (bytes.length > MAX_BYTES) {
        throw new UnreadableFileException(
            "is larger than " + MAX_BYTES + " bytes, the most a file may hold");
      }
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new UnreadableFileException("is not UTF-8 text");
    } catch (UnreadableFileException e) {
      throw e;
    } catch (NoSuchFileException e) {
      throw new UnreadableFileException("does not exist");
    } catch (IOException e) {
      throw new UnreadableFileException("cannot be read: " + e.getMessage());
    }
  }

  /** The mapper that binds the trees; it has the same bounds. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /** The documents read, and the reason reading stopped early, if it did. */
  public record Split(List<JsonNode> documents, Optional<String> problem) {}

  public Split split(String text) {
    Optional<String> tooLong = longLine(text);
    if (tooLong.isPresent()) {
      return new Split(List.of(), tooLong);
    }
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        mapper.readerFor(JsonNode.class).readValues(new StringReader(text))) {
      while (it.hasNextValue()) {
        docs.add(it.nextValue());
      }
      return new Split(docs, Optional.empty());
    } catch (JsonProcessingException e) {
      return new Split(docs, Optional.of(describe(e, docs.size())));
    } catch (IOException | RuntimeException e) {
      // SnakeYAML reports some limits as unchecked exceptions; each is still a bad input.
      return new Split(
          docs, Optional.of("document " + (docs.size() + 1) + " is not YAML: " + e.getMessage()));
    }
  }

  /** The first line longer than {@link #MAX_LINE}, found in one pass before any parsing. */
  private static Optional<String> longLine(String text) {
    int start = 0;
    int line = 1;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      if (end - start > MAX_LINE) {
        return Optional.of(
            "line "
                + line
                + " has "
                + (end - start)
                + " characters; a line may hold at most "
                + MAX_LINE);
      }
      start = end + 1;
      line++;
    }
    return Optional.empty();
  }

  private static String describe(JsonProcessingException e, int read) {
    JsonLocation at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 0
            ? ""
            : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    String what = e.getOriginalMessage();
    if (what != null) {
      what = what.lines().findFirst().orElse(what);
    }
    if (e.getCause() instanceof ResolvedEvents.MeaningException meaning) {
      // Jackson places it at the last event it read; the problem's own mark is exact.
      Mark m = meaning.getProblemMark();
      return "document "
          + (read + 1)
          + " at line "
          + (m.getLine() + 1)
          + ", column "
          + (m.getColumn() + 1)
          + ": "
          + meaning.getProblem();
    }
    String prefix = e instanceof JsonParseException ? "is not YAML" : "cannot be read";
    return "document " + (read + 1) + " " + prefix + where + ": " + what;
  }
}
