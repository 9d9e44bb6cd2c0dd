package io.palisade.operator.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Answers one {@code admission.k8s.io/v1} AdmissionReview: the object's every error at its field
 * path, or allowed. Pure: bytes in, an HTTP status and bytes out; a malformed review is a 400 with
 * a sentence saying what is wrong, never an exception.
 */
public final class AdmissionReviewer {

  static final String API_VERSION = "admission.k8s.io/v1";

  /** An HTTP answer: status code, content type and body. */
  public record Answer(int status, String contentType, String body) {}

  private final ObjectMapper mapper = new ObjectMapper();
  private final AdmissionValidation validation = new AdmissionValidation();

  public Answer review(byte[] body) {
    JsonNode review;
    try {
      review = mapper.readTree(body);
    } catch (Exception e) {
      return malformed("the body is not JSON: " + firstLine(e.getMessage()));
    }
    if (review == null || !review.isObject()) {
      return malformed("the body is not a JSON object");
    }
    if (!API_VERSION.equals(review.path("apiVersion").asText())
        || !"AdmissionReview".equals(review.path("kind").asText())) {
      return malformed(
          "expected apiVersion "
              + API_VERSION
              + " and kind AdmissionReview, got "
              + review.path("apiVersion").asText("(none)")
              + " and "
              + review.path("kind").asText("(none)"));
    }
    JsonNode request = review.path("request");
    if (!request.isObject()) {
      return malformed("request: must be set");
    }
    String uid = request.path("uid").asText("");
    if (uid.isEmpty()) {
      return malformed("request.uid: must be set");
    }
    AdmissionValidation.Verdict verdict;
    try {
      verdict = validation.judge(request);
    } catch (AdmissionValidation.MalformedRequest e) {
      return malformed(e.getMessage());
    }
    return new Answer(200, "application/json", write(response(uid, verdict)));
  }

  private ObjectNode response(String uid, AdmissionValidation.Verdict verdict) {
    ObjectNode out = mapper.createObjectNode();
    out.put("apiVersion", API_VERSION);
    out.put("kind", "AdmissionReview");
    ObjectNode response = out.putObject("response");
    response.put("uid", uid);
    response.put("allowed", verdict.allowed());
    if (!verdict.warnings().isEmpty()) {
      ArrayNode w = response.putArray("warnings");
      verdict.warnings().forEach(w::add);
    }
    if (!verdict.allowed()) {
      ObjectNode status = response.putObject("status");
      status.put("code", 422);
      status.put("reason", "Invalid");
      status.put("message", verdict.message());
      ObjectNode details = status.putObject("details");
      verdict.kind().ifPresent(k -> details.put("kind", k));
      verdict.name().ifPresent(n -> details.put("name", n));
      ArrayNode causes = details.putArray("causes");
      for (AdmissionValidation.Cause c : verdict.causes()) {
        causes
            .addObject()
            .put("reason", "FieldValueInvalid")
            .put("field", c.field())
            .put("message", c.message());
      }
    }
    return out;
  }

  private Answer malformed(String why) {
    return new Answer(400, "text/plain; charset=utf-8", "malformed AdmissionReview: " + why + "\n");
  }

  private String write(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String firstLine(String s) {
    return Optional.ofNullable(s).map(x -> x.lines().findFirst().orElse("")).orElse("");
  }
}
