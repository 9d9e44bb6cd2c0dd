package io.palisade.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.model.NodeL7;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a config goes through between the publisher and the streams: versioned snapshots, checks
 * that skip content already checked, resources packed once, and per-node lanes that keep order.
 */
class ResponsePathTest {

  private static final String RDS = Resources.V3.ROUTE_TYPE_URL;

  private final NodeResources deathstar = translate(L7Policies.DEATHSTAR_L7);

  private static NodeResources translate(String policy) {
    var state = L7Samples.state(policy);
    return L7Translator.translate(
        NodeL7.of(state.node("node-a")), state.ipcache(), new Target.Envoy());
  }

  private static Map<String, String> versions(String v) {
    return Map.of(Resources.V3.CLUSTER_TYPE_URL, v, Resources.V3.LISTENER_TYPE_URL, v, RDS, v);
  }

  @Test
  void everyResourceOfASnapshotCarriesItsTypesVersionAndNoHashOfItsContent() {
    VersionedSnapshot s = VersionedSnapshot.of(deathstar, versions("7"));

    assertThat(s.version(RDS)).isEqualTo("7");
    assertThat(s.routes().versionedResources().values())
        .isNotEmpty()
        .extracting(VersionedResource::version)
        .containsOnly("7");
    assertThat(s.routes().resources().values()).containsExactlyElementsOf(deathstar.routes());
    assertThatThrownBy(() -> VersionedSnapshot.of(deathstar, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("versions: no version for type.googleapis.com/");
  }

  @Test
  void aListUnderTheVersionItHadBeforeKeepsItsResourcesAndANewVersionGetsItsOwn() {
    Map<String, String> routesMoved =
        Map.of(Resources.V3.CLUSTER_TYPE_URL, "3", Resources.V3.LISTENER_TYPE_URL, "3", RDS, "4");
    VersionedSnapshot three = VersionedSnapshot.of(deathstar, versions("3"));
    VersionedSnapshot four = VersionedSnapshot.of(deathstar, routesMoved);

    assertThat(four.listeners()).isSameAs(three.listeners());
    assertThat(four.clusters()).isSameAs(three.clusters());
    assertThat(four.routes()).isNotSameAs(three.routes());
    assertThat(four.routes().versionedResources().values())
        .extracting(VersionedResource::version)
        .containsOnly("4");
    assertThat(three.routes().versionedResources().values())
        .extracting(VersionedResource::version)
        .containsOnly("3");
    NodeResources equalNotSame =
        new NodeResources(
            new java.util.ArrayList<>(deathstar.clusters()),
            deathstar.listeners(),
            deathstar.routes());
    assertThat(VersionedSnapshot.of(equalNotSame, versions("3")).clusters())
        .as("another list, though equal, is not taken for this one")
        .isNotSameAs(three.clusters());
  }

  @Test
  void aResourceIsPackedOnceAndAnEqualButDistinctOneOnItsOwn() throws Exception {
    SharedSerializer serializer = new SharedSerializer();
    RouteConfiguration route = deathstar.routes().getFirst();
    RouteConfiguration copy = RouteConfiguration.parseFrom(route.toByteArray());

    Any first = serializer.serialize(route, ApiVersion.V3);
    assertThat(serializer.serialize(route, ApiVersion.V3)).isSameAs(first);
    Any other = serializer.serialize(copy, ApiVersion.V3);
    assertThat(other).isNotSameAs(first).isEqualTo(first);
    assertThat(first.unpack(RouteConfiguration.class)).isEqualTo(route);
  }

  @Test
  void routesThatDifferOnlyInTheirNamesAreCheckedOnceAndTheirNamesAlone() {
    RouteConfiguration route = deathstar.routes().getFirst();
    ConfigValidator.check(deathstar);

    RouteConfiguration renamed = route.toBuilder().setName("palisade/http/ingress/x/y").build();
    ConfigValidator.check(withRoute(renamed));
    RouteConfiguration badName = route.toBuilder().setName("bad \uD800 name").build();
    assertThatThrownBy(() -> ConfigValidator.check(withRoute(badName)))
        .isInstanceOfSatisfying(
            L7TranslationException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        "route bad \uD800 name.name: does not survive a binary round trip (not"
                            + " valid UTF-16)"));
  }

  private NodeResources withRoute(RouteConfiguration r) {
    return new NodeResources(deathstar.clusters(), deathstar.listeners(), java.util.List.of(r));
  }

  @Test
  void closingWritesWhatWasStagedStopsTheLanesAndRefusesMore() throws Exception {
    XdsResponses responses = new XdsResponses(2);
    BlockingQueue<Response> answered = new ArrayBlockingQueue<>(1);
    responses.createWatch(
        true, XdsRequest.create(routesOf("node-a")), Set.of(), answered::add, false, false);
    responses.set("node-a", () -> VersionedSnapshot.of(deathstar, versions("1")));

    responses.close();

    assertThat(answered.poll(0, TimeUnit.SECONDS)).as("staged before close: written").isNotNull();
    assertThat(responses.closed()).isTrue();
    // A terminated executor's worker may still be returning from run(): give it a moment to end.
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("xds-responses-")) {
        t.join(5_000);
      }
    }
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("xds-responses-") && t.isAlive());
    assertThatThrownBy(
            () -> responses.set("node-a", () -> VersionedSnapshot.of(deathstar, versions("2"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot set the xDS config of node-a: the xDS responses are closed");
  }

  private DiscoveryRequest routesOf(String node) {
    return DiscoveryRequest.newBuilder()
        .setNode(Node.newBuilder().setId(node))
        .setTypeUrl(RDS)
        .addAllResourceNames(deathstar.routes().stream().map(RouteConfiguration::getName).toList())
        .build();
  }

  @Test
  void aNodesSnapshotsAreSetInTheOrderTheyWereStaged() throws Exception {
    XdsResponses responses = new XdsResponses(2);
    for (int v = 1; v <= 200; v++) {
      String version = Integer.toString(v);
      responses.set("node-a", () -> VersionedSnapshot.of(deathstar, versions(version)));
    }
    responses.await();

    BlockingQueue<Response> answered = new ArrayBlockingQueue<>(1);
    DiscoveryRequest request =
        DiscoveryRequest.newBuilder()
            .setNode(Node.newBuilder().setId("node-a"))
            .setTypeUrl(RDS)
            .addAllResourceNames(
                deathstar.routes().stream().map(RouteConfiguration::getName).toList())
            .build();
    responses.createWatch(true, XdsRequest.create(request), Set.of(), answered::add, false, false);
    Response r = answered.poll(5, TimeUnit.SECONDS);
    assertThat(r).isNotNull();
    assertThat(r.version()).isEqualTo("200");
  }
}
