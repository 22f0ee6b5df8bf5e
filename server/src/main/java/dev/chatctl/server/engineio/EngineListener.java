package dev.chatctl.server.engineio;

/** Receives new Engine.IO sessions: the Socket.IO layer. */
public interface EngineListener {

  /** A session is open; returns the handler of its messages. Called once per session. */
  EngineSession.Handler onOpen(EngineSession session);
}
