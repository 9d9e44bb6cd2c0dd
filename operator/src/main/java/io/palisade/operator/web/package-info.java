/**
 * The web page on the operator's HTTP server: Quarkus serves its assets at {@code /ui/} from the
 * web module's jar; these routes answer the JSON it reads from the operator's live inventory.
 */
package io.palisade.operator.web;
