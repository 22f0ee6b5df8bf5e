package dev.chatctl.server.engineio;

// Over 350 lines since formatting at 100 columns: the session's state and its close path stay
// together because one monitor guards both; transports, heartbeat and upgrade are classes of their
// own.

import dev.chatctl.protocol.engineio.EngineCodec;
import dev.chatctl.protocol.engineio.EnginePacket;
import dev.chatctl.server.http.HandshakeRequest;
import io.undertow.server.HttpServerExchange;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * One Engine.IO v4 session (engine.io's {@code socket}): its state, its heartbeat, the packets it
 * receives, and how it closes. Its transport is a {@link PollingTransport}, possibly upgraded by a
 * {@link WebSocketUpgrade}, or a {@link WsConnection}.
 *
 * <p>Threads: {@link #send} may be called from any thread and never blocks; it queues the frame on
 * the WebSocket (whose I/O thread writes it) or buffers the packet for the next poll. Packets from
 * the client arrive on I/O threads, one at a time per transport. State changes are guarded by this
 * object's monitor (shared by its transport objects), which is never held while calling the {@link
 * Handler}.
 */
public final class EngineSession {

  /** The Socket.IO layer's view of a session. */
  public interface Handler {
    void onMessage(String text);

    void onMessage(byte[] binary);

    /** Called once, when the session ends (reason as socket.io names it). */
    void onClose(String reason);
  }

  /**
   * Where a session is. UPGRADED: a WebSocket is the transport (also for a session opened over
   * one). CLOSING: closed for the application; the transport still delivers what was sent before.
   */
  enum Phase {
    OPEN,
    UPGRADING,
    UPGRADED,
    CLOSING,
    CLOSED
  }

  /** How long a poll may still arrive after the client closed a polling session. */
  private static final long CLIENT_CLOSE_GRACE_MILLIS = 100;

  private final EngineIoServer server;
  private final String sid;
  private final HandshakeRequest request;
  private final XnioIoThread timerThread;
  private final Heartbeat heartbeat;
  private Handler handler;

  /** The WebSocket, once it is the transport; written without the monitor. */
  private volatile WsConnection socket;

  // guarded by this
  private boolean open = true;
  private boolean closed;
  private PollingTransport polling; // null over a WebSocket
  private WebSocketUpgrade upgrade; // an upgrade in progress
  private XnioExecutor.Key closeTimer;

  /** A session over long-polling, or over {@code ws} when it is not null. */
  EngineSession(
      EngineIoServer server,
      String sid,
      HandshakeRequest request,
      XnioIoThread timerThread,
      WsConnection ws) {
    this.server = server;
    this.sid = sid;
    this.request = request;
    this.timerThread = timerThread;
    this.heartbeat = new Heartbeat(server.options());
    this.socket = ws;
    this.polling =
        ws == null ? new PollingTransport(this, server.options().maxBufferedBytes()) : null;
  }

  public String sid() {
    return sid;
  }

  public HandshakeRequest request() {
    return request;
  }

  synchronized boolean isOpen() {
    return open;
  }

  synchronized Phase phase() {
    if (closed) {
      return Phase.CLOSED;
    }
    if (!open) {
      return Phase.CLOSING;
    }
    return socket != null ? Phase.UPGRADED : upgrade != null ? Phase.UPGRADING : Phase.OPEN;
  }

  void setHandler(Handler handler) {
    this.handler = handler;
  }

  /** Runs a task after a delay on this session's timer thread; returns its key for cancelling. */
  public XnioExecutor.Key schedule(Runnable task, long delayMillis) {
    return timerThread.executeAfter(task, delayMillis, TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------ sending

  /** Sends a MESSAGE packet with this text. */
  public void send(String text) {
    sendFrames(EnginePacket.Type.MESSAGE.digit + text, List.of());
  }

  /**
   * Sends a text MESSAGE followed by binary MESSAGEs (a Socket.IO packet with attachments), with no
   * other packet of this session between them.
   */
  public void send(String text, List<byte[]> binaries) {
    sendFrames(EnginePacket.Type.MESSAGE.digit + text, binaries);
  }

  /**
   * Stops reading this session's WebSocket, or starts again (backpressure; see {@link
   * WsConnection#pauseReading}). A polling session is not paused.
   */
  public void pauseReading(boolean paused) {
    heartbeat.readingPaused(paused);
    WsConnection ws = socket;
    if (ws != null) {
      ws.pauseReading(paused);
    }
  }

  /** Sends a message prepared once for many sessions (its WebSocket frame is shared). */
  public void send(PreparedMessage message) {
    WsConnection ws = socket;
    if (ws != null) {
      synchronized (this) {
        if (open && socket == ws) {
          ws.send(message.frame());
          return;
        }
      }
    }
    sendFrames(message.text(), List.of());
  }

  private synchronized void sendFrames(String text, List<byte[]> binaries) {
    if (!open) {
      return;
    }
    WsConnection ws = socket;
    if (ws == null) {
      polling.send(text, binaries);
      return;
    }
    ws.sendText(text);
    for (byte[] binary : binaries) {
      ws.sendBinary(binary);
    }
  }

  // ------------------------------------------------------------------ transports

  /** The polling transport; null once upgraded, or over a WebSocket from the start. */
  synchronized PollingTransport polling() {
    return polling;
  }

  /** Whether {@code p} is still this session's transport. */
  boolean pollsWith(PollingTransport p) {
    return !closed && polling == p;
  }

  /** Starts reading the WebSocket this session opened over. */
  void startReading() {
    socket.start(new WebSocketTransport(this));
  }

  /** A WebSocket opened with this session's sid: the start of an upgrade from polling. */
  void attachProbe(WsConnection ws) {
    synchronized (this) {
      if (open && polling != null && upgrade == null) {
        upgrade = new WebSocketUpgrade(this, polling, ws);
        upgrade.start(server.options().upgradeTimeout().toMillis());
        return;
      }
    }
    // already upgraded, upgrading, or closed: engine.io closes it
    ws.start(WsConnection.Listener.IGNORE);
    ws.close(CloseCode.NORMAL);
  }

  /** A poll is being held: during an upgrade, it ends soon. */
  void pollHeld() {
    if (upgrade != null) {
      upgrade.pollHeld();
    }
  }

  /** The client sent UPGRADE on the probe: it becomes the transport (and closes, when closing). */
  void upgraded(WebSocketUpgrade u) {
    WsConnection ws = u.probe;
    boolean closing;
    synchronized (this) {
      if (upgrade != u || closed) {
        return;
      }
      upgrade = null;
      u.end(false);
      polling.moveTo(ws);
      polling = null;
      ws.listen(new WebSocketTransport(this));
      socket = ws; // published last: senders that see it find the buffer already moved
      closing = !open;
      if (closing) {
        finishClose();
      }
    }
    if (closing) {
      ws.close(CloseCode.NORMAL); // after what was buffered before the close
    }
  }

  /** The probe closed, or timed out ({@code abort}): the session stays on polling. */
  synchronized void upgradeEnded(WebSocketUpgrade u, boolean abort) {
    if (upgrade == u) {
      upgrade = null;
      u.end(abort);
    }
  }

  /** The WebSocket {@code ws} closed: the session ends if it was the transport. */
  void webSocketClosed(WsConnection ws) {
    if (socket == ws) {
      close(CloseReason.TRANSPORT_CLOSE);
    }
  }

  // ------------------------------------------------------------------ packets and heartbeat

  void onPacket(EnginePacket packet) {
    switch (packet.type()) {
      case MESSAGE -> {
        Handler h = handler;
        if (h != null && isOpen()) {
          if (packet.isBinary()) {
            h.onMessage(packet.binary());
          } else {
            h.onMessage(packet.text());
          }
        }
      }
      case PONG -> heartbeat.pong(System.nanoTime());
      case CLOSE -> close(CloseReason.TRANSPORT_CLOSE);
      case PING ->
          sendFrames(
              EngineCodec.encodeText(EnginePacket.of(EnginePacket.Type.PONG, packet.text())),
              List.of());
      case OPEN, UPGRADE, NOOP -> {}
    }
  }

  /** One step of the heartbeat, from the server's heartbeat thread: ping, or close on a timeout. */
  void heartbeat(long now) {
    if (!isOpen()) {
      return;
    }
    switch (heartbeat.tick(now)) {
      case PING -> sendFrames(String.valueOf(EnginePacket.Type.PING.digit), List.of());
      case TIMED_OUT -> close(CloseReason.PING_TIMEOUT);
      case WAIT -> {}
    }
  }

  /** Closes the session when its client left a ping unanswered past its deadline. */
  boolean closeIfPongOverdue(HttpServerExchange exchange) {
    if (!heartbeat.overdue(System.nanoTime())) {
      return false;
    }
    close(CloseReason.PING_TIMEOUT);
    HttpReplies.error(exchange, EngineError.UNKNOWN_SID);
    return true;
  }

  // ------------------------------------------------------------------ closing

  /** Closes the session from the server's side: packets already sent reach the client first. */
  public void close() {
    close(CloseReason.FORCED_CLOSE);
  }

  /**
   * Ends the session. When the client left (its close, a ping timeout), the transport is dropped;
   * otherwise it learns of the close after what was sent before it: a WebSocket closes after its
   * queued frames; over polling the last poll gets CLOSE (see {@link PollingTransport}).
   */
  void close(CloseReason reason) {
    boolean reachable = reason.clientReachable();
    Handler notify;
    WsConnection ws;
    synchronized (this) {
      if (!open) {
        if (reason == CloseReason.TRANSPORT_CLOSE) {
          finishClose(); // the client answered a server close with its own: nothing more to send
        }
        return;
      }
      open = false;
      notify = handler;
      ws = socket;
      if (ws != null) {
        finishClose();
      } else if (reason == CloseReason.TRANSPORT_CLOSE) {
        // a poll sent alongside the client's CLOSE may still come, and gets a NOOP (as in
        // engine.io)
        closeTimer = schedule(this::finishClose, CLIENT_CLOSE_GRACE_MILLIS);
        polling.close(EnginePacket.Type.NOOP.digit, true);
      } else {
        polling.close(EnginePacket.Type.CLOSE.digit, !reachable);
        if (!reachable) {
          finishClose();
        } else if (!closed) {
          // the client polls again at once, or is paused for an upgrade and comes back on it
          closeTimer = schedule(this::finishClose, server.options().pingTimeout().toMillis());
        }
      }
    }
    if (ws != null && reachable) {
      ws.close(CloseCode.NORMAL); // after the frames already queued
    } else if (ws != null) {
      ws.abort();
    }
    if (notify != null) {
      notify.onClose(reason.text);
    }
  }

  /** The session is over: forgotten by the server, its probe dropped. */
  synchronized void finishClose() {
    if (closed) {
      return;
    }
    closed = true;
    if (closeTimer != null) {
      closeTimer.remove();
    }
    if (upgrade != null) {
      upgrade.end(true);
      upgrade = null;
    }
    if (polling != null) {
      polling.clear();
    }
    server.remove(this);
  }
}
