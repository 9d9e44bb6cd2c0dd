package io.palisade.node.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.proxy.ProxyEvent;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The proxy's verdicts as flow log lines: the request, and the policy's rule or the refusal. */
class L7FlowLineTest {

  private static final Instant T = Instant.parse("2026-12-03T18:40:00Z");
  private static final InetSocketAddress TIEFIGHTER = new InetSocketAddress("10.42.0.11", 40312);
  private static final InetSocketAddress DEATHSTAR = new InetSocketAddress("10.42.0.10", 80);

  @Test
  void anAllowedRequestNamesEveryPolicyAndRuleThatAdmitsIt() {
    ProxyEvent e =
        new ProxyEvent(
            "ingress",
            TIEFIGHTER,
            DEATHSTAR,
            "POST",
            "/v1/request-landing",
            Optional.empty(),
            Optional.empty(),
            ProxyEvent.Verdict.ALLOWED,
            "80 CiliumNetworkPolicy default/rule1 spec.ingress[0].toPorts[0].rules.http[0];"
                + " CiliumClusterwideNetworkPolicy landing specs[1].ingress[2].toPorts[0].rules.http[3]");
    assertThat(L7FlowLine.toJson(e, T))
        .isEqualTo(
            "{\"time\":\"2026-12-03T18:40:00Z\",\"source\":\"10.42.0.11\","
                + "\"destination\":\"10.42.0.10\",\"source_port\":40312,\"destination_port\":80,"
                + "\"protocol\":\"TCP\",\"direction\":\"ingress\",\"verdict\":\"l7-allowed\","
                + "\"http\":{\"method\":\"POST\",\"path\":\"/v1/request-landing\"},"
                + "\"policies\":[{\"policy\":\"CiliumNetworkPolicy default/rule1\","
                + "\"rule\":\"spec.ingress[0].toPorts[0].rules.http[0]\"},"
                + "{\"policy\":\"CiliumClusterwideNetworkPolicy landing\","
                + "\"rule\":\"specs[1].ingress[2].toPorts[0].rules.http[3]\"}]}");
  }

  @Test
  void aDeniedGrpcCallSaysWhyAndNeverBreaksTheLineOnWhatTheClientSent() {
    ProxyEvent e =
        new ProxyEvent(
            "egress",
            TIEFIGHTER,
            DEATHSTAR,
            "POST",
            "/cloudcity.DoorManager/Set\"Code\n",
            Optional.of("cloudcity.DoorManager"),
            Optional.of("Set\"Code\n"),
            ProxyEvent.Verdict.DENIED,
            "no policy matched");
    assertThat(L7FlowLine.toJson(e, T))
        .contains("\"verdict\":\"l7-denied\"")
        .contains(
            "\"grpc\":{\"service\":\"cloudcity.DoorManager\",\"method\":\"Set\\\"Code\\u000a\"}")
        .contains("\"reason\":\"no policy matched\"")
        .doesNotContain("\n")
        .doesNotContain("policies");
  }

  @Test
  void anAllowWithoutL7RulesIsNamedByItsRbacRule() {
    ProxyEvent e =
        new ProxyEvent(
            "ingress",
            TIEFIGHTER,
            DEATHSTAR,
            "GET",
            "/",
            Optional.empty(),
            Optional.empty(),
            ProxyEvent.Verdict.ALLOWED,
            "80 rule 1");
    assertThat(L7FlowLine.toJson(e, T)).endsWith(",\"rule\":\"80 rule 1\"}");
  }
}
