package io.palisade.policy.l7;

import io.palisade.policy.mapstate.L7Parser;

/** One request as an L7 proxy sees it: what its rules are matched against. */
public sealed interface L7Request permits HttpRequest, KafkaRequest, DnsQuery {

  /** The proxy that parses requests of this kind. */
  L7Parser parser();

  /** The request as a reader would write it: {@code POST /v1/request-landing}. */
  String describe();
}
