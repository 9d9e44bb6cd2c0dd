package io.palisade.policy.load;

import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.CharArrayReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Jackson's YAML factory whose parsers read YAML as it is meant ({@link ResolvedEvents}): Jackson
 * still types every scalar and builds the tree, from events in which aliases and merge keys have
 * been resolved.
 */
final class ResolvingYamlFactory extends YAMLFactory {

  ResolvingYamlFactory(YAMLFactoryBuilder builder) {
    super(builder);
  }

  private ResolvingYamlFactory(ResolvingYamlFactory source) {
    super(source, null);
  }

  @Override
  public YAMLFactory copy() {
    return new ResolvingYamlFactory(this);
  }

  @Override
  protected YAMLParser _createParser(Reader reader, IOContext ctxt) {
    ParserImpl events = new ParserImpl(new StreamReader(reader), _loaderOptions);
    return new Parser(ctxt, _parserFeatures, _yamlParserFeatures, _objectCodec, reader, events);
  }

  @Override
  protected YAMLParser _createParser(InputStream in, IOContext ctxt) throws IOException {
    return _createParser(_createReader(in, null, ctxt), ctxt);
  }

  @Override
  protected YAMLParser _createParser(
      char[] data, int offset, int len, IOContext ctxt, boolean recyclable) {
    return _createParser(new CharArrayReader(data, offset, len), ctxt);
  }

  @Override
  protected YAMLParser _createParser(byte[] data, int offset, int len, IOContext ctxt)
      throws IOException {
    return _createParser(_createReader(data, offset, len, null, ctxt), ctxt);
  }

  /** Jackson's parser, fed resolved events instead of SnakeYAML's raw ones. */
  private static final class Parser extends YAMLParser {
    private final ResolvedEvents resolved;

    Parser(
        IOContext ctxt,
        int features,
        int yamlFeatures,
        ObjectCodec codec,
        Reader reader,
        ParserImpl events) {
      super(ctxt, features, yamlFeatures, codec, reader, events);
      this.resolved = new ResolvedEvents(events);
    }

    @Override
    protected Event getEvent() {
      return resolved.next();
    }
  }
}
