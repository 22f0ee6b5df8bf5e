package dev.chatctl.server.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** A namespace's answer to a CONNECT. */
public sealed interface Admission {

  /**
   * The socket connects. {@code state} is the application's per-socket state; {@code answer} are
   * extra fields of the CONNECT answer beside {@code sid} (such as {@code pid}).
   */
  record Accepted(Object state, Map<String, String> answer) implements Admission {
    public Accepted(Object state) {
      this(state, Map.of());
    }
  }

  /**
   * No answer: the connection is closed, and the client reconnects (to a server that can decide;
   * this one is stopping, say). A refusal would stop socket.io-client from reconnecting.
   */
  record Dropped() implements Admission {}

  /** The socket is refused with CONNECT_ERROR carrying {@code error}. */
  record Refused(JsonNode error) implements Admission {

    /** {@code {"message": message, "data": data}}, as socket.io's middleware errors are sent. */
    public static Refused of(String message, JsonNode data) {
      ObjectNode error = JsonNodeFactory.instance.objectNode();
      error.put("message", message);
      if (data != null) {
        error.set("data", data);
      }
      return new Refused(error);
    }
  }
}
