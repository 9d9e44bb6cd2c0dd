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
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Splits multi-document YAML into JSON trees, within bounds: a document may be at most {@link
 * #MAX_BYTES}, nest at most {@link #MAX_DEPTH} deep, and expand few aliases, so that no input (a 50
 * MB file, a billion laughs, binary junk) costs unbounded time or memory or ends in a stack trace.
 */
public final class YamlDocuments {

  /** Far above any real policy file (the largest in Cilium's examples is under 20 KB). */
  public static final int MAX_BYTES = 8 * 1024 * 1024;

  /** A Cilium rule nests about 12 levels deep; 64 leaves room and stops stack exhaustion. */
  public static final int MAX_DEPTH = 64;

  private final ObjectMapper mapper;

  public YamlDocuments() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_BYTES);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setMaxAliasesForCollections(20);
    options.setAllowDuplicateKeys(false);
    // `to:` with nothing after it is null in YAML, as Kubernetes reads it, not an empty string.
    YAMLFactory factory =
        YAMLFactory.builder()
            .loaderOptions(options)
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();
    factory.setStreamReadConstraints(
        StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH)
            .maxStringLength(MAX_BYTES)
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
   * The text of a YAML file: refused when it is larger than {@link #MAX_BYTES}, checked to be UTF-8
   * before it is parsed, so that binary junk gets one clear line.
   */
  public static String readText(Path file) throws UnreadableFileException {
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new UnreadableFileException(
            "is " + size + " bytes; a file may hold at most " + MAX_BYTES);
      }
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
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
    return split(new StringReader(text));
  }

  public Split split(Reader reader) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = mapper.readerFor(JsonNode.class).readValues(reader)) {
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
    String prefix = e instanceof JsonParseException ? "is not YAML" : "cannot be read";
    return "document " + (read + 1) + " " + prefix + where + ": " + what;
  }
}
