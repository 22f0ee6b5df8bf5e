package dev.chatctl.server.engineio;

import dev.chatctl.protocol.engineio.EnginePacket;
import org.xnio.XnioExecutor;

/**
 * An upgrade of a polling session to WebSocket in progress (engine.io's probe): the client's {@code
 * 2probe} is answered {@code 3probe}, a poll waiting meanwhile ends with a NOOP soon so the client
 * can pause polling, and the client's UPGRADE ({@code 5}) makes the WebSocket the session's
 * transport. Abandoned when the probe closes or {@code upgradeTimeout} passes first.
 *
 * <p>A server close does not end the probe: a client that paused polling for the upgrade can only
 * learn of the close on it, so its UPGRADE still goes through (the WebSocket then carries what was
 * sent before the close, and closes).
 *
 * <p>Guarded by the session's monitor, except the listener methods, which take it.
 */
final class WebSocketUpgrade implements WsConnection.Listener {
  /** How long a poll made during an upgrade is held before a NOOP ends it. */
  private static final long POLL_NOOP_MILLIS = 20;

  private static final String PROBE = "probe";

  private final EngineSession session;
  private final PollingTransport polling;
  final WsConnection probe;
  private XnioExecutor.Key deadline;
  private XnioExecutor.Key noop;

  WebSocketUpgrade(EngineSession session, PollingTransport polling, WsConnection probe) {
    this.session = session;
    this.polling = polling;
    this.probe = probe;
  }

  void start(long timeoutMillis) {
    deadline = session.schedule(this::expire, timeoutMillis);
    probe.start(this);
  }

  /** A poll is waiting: a NOOP ends it soon, unless the upgrade completes first. */
  void pollHeld() {
    if (noop == null) {
      noop = session.schedule(this::endPoll, POLL_NOOP_MILLIS);
    }
  }

  /** Stops the timers; with {@code abort}, drops the probe too. */
  void end(boolean abort) {
    if (deadline != null) {
      deadline.remove();
    }
    if (noop != null) {
      noop.remove();
    }
    deadline = noop = null;
    if (abort) {
      probe.abort();
    }
  }

  @Override
  public void onText(WsConnection ws, String text) {
    if (text.equals(EnginePacket.Type.PING.digit + PROBE)) {
      ws.sendText(EnginePacket.Type.PONG.digit + PROBE);
      synchronized (session) {
        pollHeld();
      }
    } else if (text.equals(String.valueOf(EnginePacket.Type.UPGRADE.digit))) {
      session.upgraded(this);
    }
  }

  @Override
  public void onBinary(WsConnection ws, byte[] data) {}

  @Override
  public void onClose(WsConnection ws) {
    session.upgradeEnded(this, false);
  }

  private void endPoll() {
    synchronized (session) {
      noop = null;
      polling.endPollWithNoop();
    }
  }

  private void expire() {
    session.upgradeEnded(this, true);
  }
}
