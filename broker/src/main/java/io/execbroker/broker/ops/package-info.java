/**
 * What an operator sees of a running broker: Prometheus metrics through Micrometer, and the health and readiness
 * probes, on a listener of their own that the public WebSocket port never exposes.
 */
package io.execbroker.broker.ops;
