package io.palisade.operator.runtime;

import io.palisade.operator.admission.AdmissionReviewer;
import io.palisade.operator.admission.AdmissionRoutes;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** The admission webhook's route on the operator's HTTP server (answered on HTTPS only). */
@ApplicationScoped
public class AdmissionBeans {

  void routes(@Observes Router router) {
    AdmissionRoutes.install(router, new AdmissionReviewer());
  }
}
