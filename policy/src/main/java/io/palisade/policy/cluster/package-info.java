/** The workloads policies apply to: namespaces and pods, their security labels and identities. */
package io.palisade.policy.cluster;
