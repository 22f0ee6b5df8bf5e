package dev.chatctl.server.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.server.http.HandshakeRequest;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * An application mounted on a namespace. The callbacks of one connection run one at a time, in the
 * order their packets arrived; they must not block (storage belongs on other threads).
 */
public interface NamespaceHandler {

  /**
   * Decides a CONNECT. {@code auth} is the CONNECT payload (an empty object when there was none).
   * May complete on any thread.
   */
  CompletionStage<Admission> admit(HandshakeRequest request, JsonNode auth);

  /** The socket is connected: its CONNECT answer has been sent. */
  void onConnect(Socket socket);

  /**
   * An event from the client. {@code args} exclude the event name; {@code ack} is null when the
   * client asked for none.
   */
  void onEvent(Socket socket, String event, List<JsonNode> args, Ack ack);

  /** The socket is gone (reason as socket.io names it). Called once per connected socket. */
  void onDisconnect(Socket socket, String reason);
}
