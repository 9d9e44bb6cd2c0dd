/**
 * The web page's server half: the JSON it reads beside {@code /api/policies} ({@code /api/matrix},
 * {@code /api/whatif}) computed from a {@link io.palisade.pipeline.model.ClusterSnapshot}, and its
 * built assets as classpath resources, so that standalone mode and the operator serve the same page
 * from the same code.
 */
package io.palisade.web;
