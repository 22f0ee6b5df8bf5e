package dev.chatctl.server.socketio;

/** The acknowledgement a client asked for with an event. Sends once; later calls do nothing. */
public interface Ack {

  /** Acknowledges with these arguments (serialized as JSON). */
  void send(Object... args);

  /** Acknowledges with arguments that are JSON text already. */
  void sendJson(String... jsonArgs);
}
