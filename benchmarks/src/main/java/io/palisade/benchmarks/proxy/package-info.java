/**
 * The embedded L7 proxy's benchmark: requests per second and added latency through the proxy
 * against a direct connection to the same upstream, in the same run.
 */
package io.palisade.benchmarks.proxy;
