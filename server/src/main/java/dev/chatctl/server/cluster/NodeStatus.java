package dev.chatctl.server.cluster;

import java.time.Duration;

/**
 * A node registered in the cluster, for {@code chatctl cluster status}.
 *
 * @param nodeId its name
 * @param sockets its sockets at its last heartbeat
 * @param users its users (with at least one socket there)
 * @param heartbeatAge how long ago its last heartbeat was (Redis clock)
 * @param expiresIn how long until it counts as dead without another heartbeat (negative: overdue)
 */
public record NodeStatus(
    String nodeId, long sockets, long users, Duration heartbeatAge, Duration expiresIn) {}
