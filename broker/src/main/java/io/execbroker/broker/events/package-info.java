/**
 * Watches of Docker events ({@code GET /events}): the watcher's filter ({@link io.execbroker.broker.events.WatchQuery}),
 * what its grant and the broker's policy let it see ({@link io.execbroker.broker.events.WatchScope}), one shared
 * Docker events stream ({@link io.execbroker.broker.events.EventHub}) and one bounded queue per watcher
 * ({@code Watcher}).
 */
package io.execbroker.broker.events;
