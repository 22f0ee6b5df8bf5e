package dev.chatctl.server.cluster;

/**
 * The Redis keys and channels of one cluster. Every name starts with the hash tag {@code {tag}}, so
 * all of them live in one slot: the presence scripts may touch any of them, also on Redis Cluster.
 */
public record ClusterKeys(String tag) {
  private String name(String rest) {
    return "{" + tag + "}:" + rest;
  }

  /** Sorted set: node id → heartbeat deadline (Redis clock, ms). */
  public String nodes() {
    return name("nodes");
  }

  /** Hash: user id → how many live nodes have a socket of the user. */
  public String userNodes() {
    return name("user-nodes");
  }

  /** Counter: the sequence number of the last presence change. */
  public String presenceSeq() {
    return name("presence-seq");
  }

  /**
   * Prefix of the per-node keys: {@code <prefix><node>:users} (set), {@code <prefix><node>:info}
   * (hash).
   */
  public String nodePrefix() {
    return name("node:");
  }

  public String nodeUsers(String nodeId) {
    return nodePrefix() + nodeId + ":users";
  }

  public String nodeInfo(String nodeId) {
    return nodePrefix() + nodeId + ":info";
  }

  /** Channel of presence changes: {@code "<seq> <1|0> <node> <user>"}. */
  public String presenceChannel() {
    return name("presence");
  }

  /** Channel of a user's live messages, subscribed by every node with a socket of the user. */
  public String userChannel(String userId) {
    return name("u:" + userId);
  }

  /** The user id of a {@link #userChannel}, or null for another channel. */
  public String userOf(String channel) {
    String prefix = name("u:");
    return channel.startsWith(prefix) ? channel.substring(prefix.length()) : null;
  }

  /** Channel a node publishes its bus heartbeat to and listens on. */
  public String nodeChannel(String nodeId) {
    return name("n:" + nodeId);
  }
}
