/**
 * PolicySource: policies from Git applied through the API under one field manager, pruned within a
 * budget, reported in status and events, synced on a schedule and on webhook calls.
 */
package io.palisade.operator.source;
