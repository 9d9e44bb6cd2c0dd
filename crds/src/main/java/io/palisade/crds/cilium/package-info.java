/** The {@code cilium.io/v2} custom resources Palisade reads and writes. */
package io.palisade.crds.cilium;
