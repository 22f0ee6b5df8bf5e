package dev.chatctl.server.cluster;

/**
 * A user's cluster-wide presence change: online at their first socket on any node, offline when the
 * last one closed or its node died.
 *
 * @param seq the change's place in the cluster's one order; 0 for a change found by a re-sync (the
 *     event itself was missed)
 * @param online true: {@code user:online}; false: {@code user:offline}
 * @param nodeId the node whose call (or death) caused it; null for a re-sync
 * @param userId the user
 */
public record PresenceEvent(long seq, boolean online, String nodeId, String userId) {
  /** Parses {@code "<seq> <1|0> <node> <user>"} as the scripts publish it; null if malformed. */
  static PresenceEvent parse(String text) {
    String[] parts = text.split(" ", 4);
    if (parts.length != 4 || !(parts[1].equals("1") || parts[1].equals("0"))) {
      return null;
    }
    try {
      return new PresenceEvent(Long.parseLong(parts[0]), parts[1].equals("1"), parts[2], parts[3]);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** True if a re-sync found the change rather than its event. */
  public boolean fromResync() {
    return seq == 0;
  }
}
