package io.palisade.operator.runtime;

import io.palisade.operator.web.PageRoutes;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** The web page's JSON routes on the operator's HTTP server (its assets Quarkus serves itself). */
@ApplicationScoped
public class PageBeans {

  void routes(@Observes Router router, ClusterInventory inventory) {
    PageRoutes.install(router, inventory);
  }
}
