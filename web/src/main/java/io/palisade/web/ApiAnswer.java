package io.palisade.web;

/** One answer of the page's API: an HTTP status and a JSON body. */
public record ApiAnswer(int status, String json) {}
