package dev.chatctl.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Connection-state recovery as socket.io-client 4.6+ does it: the {@code pid} of the CONNECT answer
 * and the offset of the last event received (its extra string argument, which {@code
 * message:receive} carries) go back in the auth payload of the next CONNECT; an answer with the
 * same pid means the session, and what was missed, came back.
 */
final class Recovery {
  private volatile String pid;
  private volatile String offset;

  /** Adds {@code pid} and {@code offset} to a CONNECT's auth payload, when there is a session. */
  void addTo(ObjectNode auth) {
    String p = pid;
    if (p != null) {
      auth.put("pid", p);
      String o = offset;
      if (o != null) {
        auth.put("offset", o);
      }
    }
  }

  /** The CONNECT answer {@code {sid, pid}}; true when it recovered the previous session. */
  boolean connected(JsonNode answer) {
    JsonNode node = answer.path("pid");
    String newPid = node.isTextual() ? node.textValue() : null;
    boolean recovered = newPid != null && newPid.equals(pid);
    pid = newPid;
    if (!recovered) {
      offset = null; // a new session: its offsets start over
    }
    return recovered;
  }

  /**
   * An event's arguments (without its name): with a session, a last string argument is its offset.
   */
  void event(List<JsonNode> args) {
    if (pid != null && !args.isEmpty() && args.get(args.size() - 1).isTextual()) {
      offset = args.get(args.size() - 1).textValue();
    }
  }

  String pid() {
    return pid;
  }

  String offset() {
    return offset;
  }
}
