/**
 * The Redis cluster adapters: {@link dev.chatsdk.redis.RedisClusterBus} (a {@link
 * dev.chatsdk.api.port.ClusterBus} on Redis pub/sub) and {@link
 * dev.chatsdk.redis.RedisPresenceRegistry} (a {@link dev.chatsdk.api.port.PresenceRegistry} with
 * node leases in Redis), and {@link dev.chatsdk.redis.RedisCluster}, which builds both over one set
 * of Lettuce client resources.
 */
@NullMarked
package dev.chatsdk.redis;

import org.jspecify.annotations.NullMarked;
