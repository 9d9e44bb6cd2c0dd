package io.palisade.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks resources as Envoy would before it takes them, so that a config Envoy would refuse is
 * never published: the protoc-gen-validate rules the API declares (required fields and oneofs,
 * minimum lengths and counts, number bounds, defined enum values, positive durations), every {@code
 * Any} unpacked and checked in turn, and a binary round trip. Regexes are checked where they are
 * made.
 */
public final class ConfigValidator {

  /** The types the translator packs into {@code Any}; any other is an error. */
  static final TypeRegistry TYPES =
      TypeRegistry.newBuilder()
          .add(HttpConnectionManager.getDescriptor())
          .add(RBAC.getDescriptor())
          .add(RBACPerRoute.getDescriptor())
          .add(Router.getDescriptor())
          .add(OriginalDst.getDescriptor())
          .add(HttpProtocolOptions.getDescriptor())
          .build();

  private ConfigValidator() {}

  /** Throws {@link L7TranslationException} with every problem of {@code resources}. */
  public static void check(NodeResources resources) {
    check(resources, NodeResources.EMPTY);
  }

  /**
   * As {@link #check(NodeResources)}, skipping the resource lists equal to those of {@code
   * checked}, a config that passed already: a policy change usually touches routes alone, and
   * checking every listener of every node again is most of a publish's time.
   */
  public static void check(NodeResources resources, NodeResources checked) {
    Errors errors = new Errors();
    if (!resources.clusters().equals(checked.clusters())) {
      for (Cluster c : resources.clusters()) {
        check(c, Cluster.parser()::parseFrom, "cluster " + c.getName(), errors);
      }
    }
    if (!resources.listeners().equals(checked.listeners())) {
      for (Listener l : resources.listeners()) {
        check(l, Listener.parser()::parseFrom, "listener " + l.getName(), errors);
      }
    }
    if (!resources.routes().equals(checked.routes())) {
      for (RouteConfiguration r : resources.routes()) {
        check(r, RouteConfiguration.parser()::parseFrom, "route " + r.getName(), errors);
      }
    }
    errors.throwIfAny();
  }

  /** A field's rules, read once: reading an option's extension parses it every time. */
  private static final Map<FieldDescriptor, FieldRules> RULES = new ConcurrentHashMap<>();

  private static final Map<OneofDescriptor, Boolean> REQUIRED = new ConcurrentHashMap<>();

  private interface Parser {
    Message parse(byte[] bytes) throws InvalidProtocolBufferException;
  }

  /**
   * Content that passed already. Checking is a pure function of content, and most of a publish's
   * resources are the same content again: every node's clusters, the RBAC {@code Any} that nodes
   * with the same rules share, and those nodes' routes, which differ only in their names (a
   * resource is remembered without its name). Bounded: past the limit it starts again.
   */
  private static final Set<Message> PASSED = ConcurrentHashMap.newKeySet();

  static final int MAX_PASSED = 100_000;

  private static boolean passed(Message m) {
    return PASSED.contains(m);
  }

  private static void pass(Message m) {
    if (PASSED.size() >= MAX_PASSED) {
      PASSED.clear();
    }
    PASSED.add(m);
  }

  private static void check(Message m, Parser parser, String path, Errors errors) {
    FieldDescriptor name = nameOf(m);
    Message content =
        name == null || !m.hasField(name) ? m : m.toBuilder().clearField(name).build();
    if (passed(content)) {
      // Nodes with the same rules get the same routes under names of their own: the content
      // passed for one of them, and the name is all that is left to check.
      if (name != null) {
        name(m, name, path, errors);
      }
      return;
    }
    int before = errors.count();
    try {
      if (!parser.parse(m.toByteArray()).equals(m)) {
        errors.add(path, "does not survive a binary round trip");
      }
    } catch (InvalidProtocolBufferException e) {
      errors.add(path, "does not parse back: " + e.getMessage());
    }
    message(m, path, errors);
    if (errors.count() == before) {
      pass(content);
    }
  }

  /** A resource's {@code name} field, when it has one: what it is, apart from what it holds. */
  private static FieldDescriptor nameOf(Message m) {
    FieldDescriptor name = m.getDescriptorForType().findFieldByName("name");
    return name == null || name.isRepeated() ? null : name;
  }

  /** The checks of {@code m}'s name alone: its rules, and that it survives the wire as UTF-8. */
  private static void name(Message m, FieldDescriptor f, String path, Errors errors) {
    Object v = m.getField(f);
    if (v instanceof String s
        && !new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s)) {
      errors.add(path + ".name", "does not survive a binary round trip (not valid UTF-16)");
    }
    FieldRules rules = RULES.computeIfAbsent(f, x -> x.getOptions().getExtension(Validate.rules));
    value(v, f, rules, path + ".name", errors);
  }

  private static void message(Message m, String path, Errors errors) {
    if (m instanceof Any any) {
      unpack(any, path, errors);
      return;
    }
    Descriptor d = m.getDescriptorForType();
    for (OneofDescriptor o : d.getOneofs()) {
      if (REQUIRED.computeIfAbsent(o, x -> x.getOptions().getExtension(Validate.required))
          && !m.hasOneof(o)) {
        errors.add(path, "one of " + o.getName() + " is required");
      }
    }
    for (FieldDescriptor f : d.getFields()) {
      String fp = path + "." + f.getName();
      FieldRules rules = RULES.computeIfAbsent(f, x -> x.getOptions().getExtension(Validate.rules));
      if (f.getRealContainingOneof() != null && !m.hasField(f)) {
        continue; // Another member of the oneof is set, or none: the oneof rule covers it.
      }
      if (f.isRepeated()) {
        repeated(m, f, rules, fp, errors);
      } else if (f.hasPresence() && !m.hasField(f)) {
        if (rules.getMessage().getRequired()) {
          errors.add(fp, "is required");
        }
      } else {
        value(m.getField(f), f, rules, fp, errors);
      }
    }
  }

  private static void repeated(
      Message m, FieldDescriptor f, FieldRules rules, String path, Errors errors) {
    int n = m.getRepeatedFieldCount(f);
    if (rules.hasRepeated()
        && rules.getRepeated().hasMinItems()
        && n < rules.getRepeated().getMinItems()) {
      errors.add(path, "needs at least " + rules.getRepeated().getMinItems() + " items, has " + n);
    }
    if (rules.hasMap() && rules.getMap().hasMinPairs() && n < rules.getMap().getMinPairs()) {
      errors.add(path, "needs at least " + rules.getMap().getMinPairs() + " entries, has " + n);
    }
    FieldRules items = rules.hasRepeated() ? rules.getRepeated().getItems() : rules;
    for (int i = 0; i < n; i++) {
      value(m.getRepeatedField(f, i), f, items, path + "[" + i + "]", errors);
    }
  }

  private static void value(Object v, FieldDescriptor f, FieldRules rules, String path, Errors e) {
    switch (v) {
      case Duration d when rules.hasDuration() -> {
        if (rules.getDuration().hasGt() && compare(d, rules.getDuration().getGt()) <= 0) {
          e.add(path, "must be longer than " + rules.getDuration().getGt().getSeconds() + "s");
        }
        message(d, path, e);
      }
      case Message m -> message(m, path, e);
      case String s -> {
        if (rules.getString().hasMinLen() && s.length() < rules.getString().getMinLen()) {
          e.add(path, "needs at least " + rules.getString().getMinLen() + " characters");
        }
        if (rules.getString().hasMinBytes()
            && s.getBytes().length < rules.getString().getMinBytes()) {
          e.add(path, "needs at least " + rules.getString().getMinBytes() + " bytes");
        }
      }
      case Integer i when rules.hasUint32() -> bounds(i & 0xFFFFFFFFL, rules.getUint32(), path, e);
      case Integer i when rules.hasInt32() -> {
        var r = rules.getInt32();
        if ((r.hasGte() && i < r.getGte())
            || (r.hasLte() && i > r.getLte())
            || (r.hasLt() && i >= r.getLt())
            || (r.hasGt() && i <= r.getGt())) {
          e.add(path, i + " is out of bounds " + r.toString().replace('\n', ' ').trim());
        }
      }
      case EnumValueDescriptor ev when rules.getEnum().getDefinedOnly() -> {
        if (ev.getIndex() < 0) {
          e.add(path, "is not a defined " + f.getEnumType().getName());
        }
      }
      default -> {}
    }
  }

  private static void bounds(long v, Validate.UInt32Rules r, String path, Errors e) {
    if ((r.hasGte() && v < r.getGte())
        || (r.hasLte() && v > r.getLte())
        || (r.hasLt() && v >= r.getLt())
        || (r.hasGt() && v <= r.getGt())) {
      e.add(path, v + " is out of bounds " + r.toString().replace('\n', ' ').trim());
    }
  }

  private static int compare(Duration a, Duration b) {
    int c = Long.compare(a.getSeconds(), b.getSeconds());
    return c != 0 ? c : Integer.compare(a.getNanos(), b.getNanos());
  }

  private static void unpack(Any any, String path, Errors errors) {
    if (passed(any)) {
      return;
    }
    int before = errors.count();
    try {
      Descriptor d = TYPES.getDescriptorForTypeUrl(any.getTypeUrl());
      if (d == null) {
        errors.add(path, "carries " + any.getTypeUrl() + ", which the proxies are not given");
        return;
      }
      Message m = com.google.protobuf.DynamicMessage.parseFrom(d, any.getValue());
      message(typed(d, m), path + "<" + d.getName() + ">", errors);
      if (errors.count() == before) {
        pass(any);
      }
    } catch (InvalidProtocolBufferException e) {
      errors.add(path, "does not unpack as " + any.getTypeUrl() + ": " + e.getMessage());
    }
  }

  /** The generated message of a descriptor, so nested {@code Any}s unpack as well. */
  private static Message typed(Descriptor d, Message dynamic)
      throws InvalidProtocolBufferException {
    for (Message proto : PROTOTYPES) {
      if (proto.getDescriptorForType() == d) {
        return proto.getParserForType().parseFrom(dynamic.toByteString());
      }
    }
    return dynamic;
  }

  private static final List<Message> PROTOTYPES =
      List.of(
          HttpConnectionManager.getDefaultInstance(),
          RBAC.getDefaultInstance(),
          RBACPerRoute.getDefaultInstance(),
          Router.getDefaultInstance(),
          OriginalDst.getDefaultInstance(),
          HttpProtocolOptions.getDefaultInstance());

  static Map<String, Message> prototypes() {
    Map<String, Message> out = new java.util.TreeMap<>();
    PROTOTYPES.forEach(p -> out.put(p.getDescriptorForType().getFullName(), p));
    return out;
  }
}
