/**
 * Cluster mode (issue 11; design: CLUSTER.md): several {@code chatctl serve} nodes on one
 * PostgreSQL and one Redis. PostgreSQL stays the log; Redis carries live traffic and presence.
 *
 * <ul>
 *   <li>{@link dev.chatctl.server.cluster.ClusterSettings}: {@code REDIS_URL} and the timings;
 *       {@link dev.chatctl.server.cluster.ClusterRedis}: the Lettuce client, its bounds and the
 *       scheduler thread.
 *   <li>{@link dev.chatctl.server.cluster.ClusterPresence}: who is online in the cluster (Lua
 *       scripts, one order of changes, dead nodes expired, a local mirror).
 *   <li>{@link dev.chatctl.server.cluster.ClusterBus}: a channel per user, confirmed subscriptions,
 *       opaque payloads ({@link dev.chatctl.server.cluster.BusFrame}), the self-heartbeat.
 *   <li>{@link dev.chatctl.server.cluster.OffsetSequencer}: a socket's high-water mark: bus
 *       messages once and in order, gaps filled from the database.
 * </ul>
 *
 * <p>Not wired into {@code serve} yet: the socket.io {@code Adapter} seam is where it plugs in.
 */
package dev.chatctl.server.cluster;
