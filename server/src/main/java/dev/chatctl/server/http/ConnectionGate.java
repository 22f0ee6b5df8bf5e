package dev.chatctl.server.http;

import java.net.InetAddress;
import java.nio.channels.Channel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Counts the open connections, in total and per client address, and says whether one more may be
 * opened. A connection is counted until it is found closed: close listeners cannot be relied on
 * here (a WebSocket upgrade replaces the connection's close listener), so closed connections are
 * swept out by {@link #sweep} (periodically, and whenever a cap is reached, before anything is
 * refused).
 */
final class ConnectionGate {

  /** What {@link #admit} decided. */
  enum Verdict {
    ADMITTED,
    TOO_MANY,
    TOO_MANY_FROM_ADDRESS
  }

  private final int maxConnections;
  private final int maxPerAddress;
  private final boolean limitLoopback;
  private final Map<InetAddress, List<Channel>> byAddress = new HashMap<>();
  private int open;

  ConnectionGate(HttpLimits limits) {
    this.maxConnections = limits.maxConnections();
    this.maxPerAddress = limits.maxConnectionsPerIp();
    this.limitLoopback = limits.limitLoopback();
  }

  /** Counts {@code connection} from {@code address} if the caps allow it. */
  synchronized Verdict admit(InetAddress address, Channel connection) {
    if (open >= maxConnections && sweep() >= maxConnections) {
      return Verdict.TOO_MANY;
    }
    List<Channel> fromAddress = byAddress.get(address);
    if (fromAddress == null) {
      fromAddress = new ArrayList<>(2);
      byAddress.put(address, fromAddress);
    } else if (maxPerAddress > 0
        && fromAddress.size() >= maxPerAddress
        && (limitLoopback || !address.isLoopbackAddress())) {
      open -= prune(fromAddress);
      if (fromAddress.size() >= maxPerAddress) {
        return Verdict.TOO_MANY_FROM_ADDRESS;
      }
    }
    fromAddress.add(connection);
    open++;
    return Verdict.ADMITTED;
  }

  /** Forgets closed connections (and addresses with none left); returns how many are open. */
  synchronized int sweep() {
    for (Iterator<List<Channel>> it = byAddress.values().iterator(); it.hasNext(); ) {
      List<Channel> connections = it.next();
      open -= prune(connections);
      if (connections.isEmpty()) {
        it.remove();
      }
    }
    return open;
  }

  /** Open connections as of the last sweep (closed ones since then still count). */
  synchronized int open() {
    return open;
  }

  private static int prune(List<Channel> connections) {
    int before = connections.size();
    connections.removeIf(c -> !c.isOpen());
    return before - connections.size();
  }
}
