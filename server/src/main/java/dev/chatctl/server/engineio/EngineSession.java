package dev.chatctl.server.engineio;

import dev.chatctl.protocol.ProtocolException;
import dev.chatctl.protocol.engineio.EngineCodec;
import dev.chatctl.protocol.engineio.EnginePacket;
import io.undertow.server.HttpServerExchange;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * One Engine.IO v4 session: its transport (HTTP long-polling, or a WebSocket, possibly reached by
 * an upgrade from polling), its heartbeat, and the packets waiting for a poll.
 *
 * <p>Threads: {@link #send} may be called from any thread and never blocks; it writes to the
 * WebSocket directly (Undertow queues the frame and flushes it on the channel's I/O thread) or
 * buffers the packet for the next poll. Packets from the client arrive on I/O threads, one at a
 * time per transport. State changes are guarded by this object's monitor, which is never held
 * while calling the {@link Handler}.
 */
public final class EngineSession {

  /** The Socket.IO layer's view of a session. */
  public interface Handler {
    void onMessage(String text);

    void onMessage(byte[] binary);

    /** Called once, when the session ends (reason as socket.io names it). */
    void onClose(String reason);
  }

  /** Reasons a session ends, as socket.io reports them. */
  public static final String TRANSPORT_CLOSE = "transport close";
  public static final String TRANSPORT_ERROR = "transport error";
  public static final String PING_TIMEOUT = "ping timeout";
  public static final String PARSE_ERROR = "parse error";
  public static final String FORCED_CLOSE = "forced close";
  public static final String SERVER_SHUTTING_DOWN = "server shutting down";

  private enum State { OPEN, CLOSING, CLOSED }

  /** How long a poll made during an upgrade is held before a NOOP ends it. */
  private static final long PROBE_POLL_NOOP_MILLIS = 20;
  /** How long a poll may still arrive after the client closed a polling session. */
  private static final long CLIENT_CLOSE_GRACE_MILLIS = 100;

  private final EngineIoServer server;
  private final String sid;
  private final HandshakeRequest request;
  private final XnioIoThread timerThread;
  private Handler handler;
  /** The WebSocket, once it is the transport; written without the monitor. */
  private volatile WsConnection socket;

  // guarded by this
  private State state = State.OPEN;
  private boolean handlerNotified;
  private List<Object> buffer; // polling: String frames (type digit first) and byte[] messages
  private HttpServerExchange poll; // polling: the GET waiting for packets
  private WsConnection probe; // an upgrade in progress
  private XnioExecutor.Key upgradeTimer;
  private XnioExecutor.Key closeTimer;
  private XnioExecutor.Key noopTimer;
  private long pingDueNanos; // when the pending ping was due
  private boolean awaitingPong;
  private boolean closedByClient;

  EngineSession(EngineIoServer server, String sid, HandshakeRequest request, XnioIoThread timerThread) {
    this.server = server;
    this.sid = sid;
    this.request = request;
    this.timerThread = timerThread;
    // the first ping is due one interval after the session opens (the heartbeat may see it at once)
    this.pingDueNanos = System.nanoTime() + server.options().pingInterval().toNanos();
  }

  public String sid() {
    return sid;
  }

  public HandshakeRequest request() {
    return request;
  }

  /** "websocket" or "polling". */
  public String transportName() {
    return socket != null ? "websocket" : "polling";
  }

  public synchronized boolean isOpen() {
    return state == State.OPEN;
  }

  void setHandler(Handler handler) {
    this.handler = handler;
  }

  /** Runs a task on this session's I/O thread, after what that thread has queued already. */
  public void execute(Runnable task) {
    WsConnection ws = socket;
    (ws != null ? ws.ioThread() : timerThread).execute(task);
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
   * Sends a text MESSAGE followed by binary MESSAGEs (a Socket.IO packet with attachments), with
   * no other packet of this session between them.
   */
  public void send(String text, List<byte[]> binaries) {
    sendFrames(EnginePacket.Type.MESSAGE.digit + text, binaries);
  }

  /**
   * Stops reading this session's WebSocket, or starts again (backpressure; see {@link
   * WsConnection#pauseReading}). A polling session is not paused.
   */
  public void pauseReading(boolean paused) {
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
        if (state == State.OPEN && socket == ws) {
          ws.send(message.frame());
          return;
        }
      }
    }
    sendFrames(message.text(), List.of());
  }

  private synchronized void sendFrames(String text, List<byte[]> binaries) {
    if (state != State.OPEN) {
      return;
    }
    WsConnection ws = socket;
    if (ws != null) {
      ws.sendText(text);
      for (byte[] binary : binaries) {
        ws.sendBinary(binary);
      }
      return;
    }
    List<Object> frames = buffer();
    frames.add(text);
    frames.addAll(binaries);
    if (poll != null) {
      answerPoll(false);
    }
  }

  private void sendControl(char type) {
    sendFrames(String.valueOf(type), List.of()); // reuses the MESSAGE path's ordering
  }

  private List<Object> buffer() {
    if (buffer == null) {
      buffer = new ArrayList<>(4);
    }
    return buffer;
  }

  /** Answers the pending poll with the buffered packets (and a CLOSE when closing). */
  private void answerPoll(boolean close) {
    StringBuilder body = new StringBuilder();
    if (buffer != null) {
      for (Object frame : buffer) {
        if (!body.isEmpty()) {
          body.append(EngineCodec.RECORD_SEPARATOR);
        }
        if (frame instanceof String text) {
          body.append(text);
        } else {
          body.append('b').append(Base64.getEncoder().encodeToString((byte[]) frame));
        }
      }
      buffer = null;
    }
    if (close) {
      if (!body.isEmpty()) {
        body.append(EngineCodec.RECORD_SEPARATOR);
      }
      body.append(EnginePacket.Type.CLOSE.digit);
    }
    HttpServerExchange exchange = poll;
    poll = null;
    EngineIoServer.respond(exchange, 200, EngineIoServer.TEXT_PLAIN, body.toString());
  }

  // ------------------------------------------------------------------ polling transport

  /** A GET with this sid: answer at once with what is buffered, or hold it until there is some. */
  void onPoll(HttpServerExchange exchange) {
    if (closeIfPongOverdue(exchange)) {
      return;
    }
    synchronized (this) {
      if (state == State.CLOSED || socket != null) {
        EngineIoServer.error(exchange, 400, 3, "Bad request");
        return;
      }
      if (poll != null) {
        // two GETs at once: the client is broken; engine.io closes the session
        EngineIoServer.error(exchange, 400, 3, "Bad request");
      } else {
        poll = exchange;
        if (state == State.CLOSING) {
          answerPoll(!closedByClient);
          finishClose();
        } else if (buffer != null && !buffer.isEmpty()) {
          answerPoll(false);
        } else if (probe != null) {
          // let the upgrade proceed: a NOOP ends this poll soon, unless the upgrade completes first
          EngineIoServer.hold(exchange);
          noopTimer = schedule(this::answerPollWithNoop, PROBE_POLL_NOOP_MILLIS);
        } else {
          EngineIoServer.hold(exchange);
        }
        return;
      }
    }
    close(TRANSPORT_ERROR, false);
  }

  private boolean closeIfPongOverdue(HttpServerExchange exchange) {
    synchronized (this) {
      if (!pongOverdue(System.nanoTime())) {
        return false;
      }
    }
    close(PING_TIMEOUT, false);
    EngineIoServer.error(exchange, 400, 1, "Session ID unknown");
    return true;
  }

  private synchronized void answerPollWithNoop() {
    noopTimer = null;
    if (poll != null && state == State.OPEN) {
      buffer().add(String.valueOf(EnginePacket.Type.NOOP.digit));
      answerPoll(false);
    }
  }

  /** A POST with this sid: the packets of its body, in order. */
  void onPostBody(HttpServerExchange exchange, String body) {
    if (closeIfPongOverdue(exchange)) {
      return;
    }
    List<EnginePacket> packets;
    try {
      packets = EngineCodec.decodePayload(body);
    } catch (ProtocolException e) {
      EngineIoServer.error(exchange, 400, 3, "Bad request");
      close(PARSE_ERROR, false);
      return;
    }
    synchronized (this) {
      if (state == State.CLOSED || socket != null) {
        EngineIoServer.error(exchange, 400, 3, "Bad request");
        return;
      }
    }
    EngineIoServer.respond(exchange, 200, EngineIoServer.TEXT_HTML, "ok");
    for (EnginePacket packet : packets) {
      onPacket(packet);
    }
  }

  // ------------------------------------------------------------------ websocket transport

  /** Makes a freshly opened WebSocket the transport of this new session. */
  void useWebSocket(WsConnection ws) {
    socket = ws;
    ws.start(new Receiver(false));
  }

  /** A WebSocket opened with this session's sid: the start of an upgrade from polling. */
  void attachProbe(WsConnection ws) {
    synchronized (this) {
      if (state == State.OPEN && socket == null && probe == null) {
        probe = ws;
        upgradeTimer = schedule(() -> abandonProbe(ws), server.options().upgradeTimeout().toMillis());
        ws.start(new Receiver(true));
        return;
      }
    }
    ws.start(new Receiver(true)); // already upgraded, upgrading, or closed: engine.io closes it
    ws.close(WsConnection.NORMAL);
  }

  private void abandonProbe(WsConnection ws) {
    synchronized (this) {
      if (probe != ws) {
        return;
      }
      probe = null;
    }
    ws.abort();
  }

  private void onProbeFrame(WsConnection ws, String text) {
    if (text.equals("2probe")) {
      ws.sendText("3probe");
      synchronized (this) {
        if (poll != null && probe == ws && noopTimer == null) {
          noopTimer = schedule(this::answerPollWithNoop, PROBE_POLL_NOOP_MILLIS);
        }
      }
    } else if (text.equals(String.valueOf(EnginePacket.Type.UPGRADE.digit))) {
      synchronized (this) {
        if (probe != ws || state != State.OPEN) {
          return;
        }
        probe = null;
        cancel(upgradeTimer);
        cancel(noopTimer);
        upgradeTimer = noopTimer = null;
        if (poll != null) {
          // a client polls no more once it sends UPGRADE: this poll raced it, and is refused
          HttpServerExchange late = poll;
          poll = null;
          EngineIoServer.error(late, 400, 3, "Bad request");
        }
        if (buffer != null) {
          for (Object frame : buffer) {
            if (frame instanceof String t) {
              ws.sendText(t);
            } else {
              ws.sendBinary((byte[]) frame);
            }
          }
          buffer = null;
        }
        ws.listen(new Receiver(false));
        socket = ws; // published last: senders that see it find the buffer already moved
      }
    }
  }

  private void onWebSocketClosed(WsConnection ws) {
    synchronized (this) {
      if (probe == ws) {
        probe = null;
        cancel(upgradeTimer);
        return;
      }
      if (socket != ws) {
        return;
      }
    }
    close(TRANSPORT_CLOSE, true);
  }

  /** Reads the frames of one WebSocket (the transport, or a probe during an upgrade). */
  private final class Receiver implements WsConnection.Listener {
    private final boolean probing;

    Receiver(boolean probing) {
      this.probing = probing;
    }

    @Override
    public void onText(WsConnection ws, String text) {
      if (probing) {
        onProbeFrame(ws, text);
        return;
      }
      EnginePacket packet;
      try {
        packet = EngineCodec.decodeText(text);
      } catch (ProtocolException e) {
        close(PARSE_ERROR, false);
        return;
      }
      onPacket(packet);
    }

    @Override
    public void onBinary(WsConnection ws, byte[] data) {
      if (!probing) {
        onPacket(EnginePacket.message(data));
      }
    }

    @Override
    public void onClose(WsConnection ws) {
      onWebSocketClosed(ws);
    }
  }

  // ------------------------------------------------------------------ packets and heartbeat

  private void onPacket(EnginePacket packet) {
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
      case PONG -> onPong();
      case CLOSE -> close(TRANSPORT_CLOSE, true);
      case PING -> sendFrames(EngineCodec.encodeText(EnginePacket.of(EnginePacket.Type.PONG, packet.text())), List.of());
      case OPEN, UPGRADE, NOOP -> {}
    }
  }

  /**
   * One step of the heartbeat, from the server's heartbeat thread (one for every session, rather
   * than timers per session): pings when a ping is due, closes when the last one went unanswered
   * for pingTimeout.
   */
  void heartbeat(long now) {
    boolean ping = false;
    synchronized (this) {
      if (state != State.OPEN) {
        return;
      }
      if (!awaitingPong && now - pingDueNanos >= 0) {
        awaitingPong = true;
        ping = true;
      }
    }
    if (pongOverdue(now)) {
      close(PING_TIMEOUT, false);
    } else if (ping) {
      sendControl(EnginePacket.Type.PING.digit);
    }
  }

  /**
   * True when a ping went unanswered past its deadline, counted from when the ping was due (the
   * heartbeat may not have come round yet).
   */
  private synchronized boolean pongOverdue(long now) {
    return awaitingPong && now - (pingDueNanos + server.options().pingTimeout().toNanos()) >= 0;
  }

  private void onPong() {
    synchronized (this) {
      if (awaitingPong) {
        awaitingPong = false;
        pingDueNanos = System.nanoTime() + server.options().pingInterval().toNanos();
      }
    }
  }

  private static void cancel(XnioExecutor.Key key) {
    if (key != null) {
      key.remove();
    }
  }

  // ------------------------------------------------------------------ closing

  /** Closes the session from the server's side: packets already sent are flushed first. */
  public void close() {
    close(FORCED_CLOSE, false);
  }

  void close(String reason, boolean byClient) {
    Handler notify;
    synchronized (this) {
      if (state != State.OPEN) {
        return;
      }
      cancel(upgradeTimer);
      cancel(noopTimer);
      upgradeTimer = noopTimer = null;
      if (probe != null) {
        probe.abort();
        probe = null;
      }
      closedByClient = byClient;
      boolean polling = socket == null && poll == null;
      if (polling && !byClient && buffer != null && !buffer.isEmpty()) {
        // a server close while packets wait for a poll: the next poll gets them and the CLOSE
        state = State.CLOSING;
        closeTimer = schedule(this::finishClose, server.options().pingTimeout().toMillis());
      } else if (polling && byClient) {
        // the client's CLOSE came in a POST; a poll it sent alongside may still be on its way,
        // and ends with a NOOP (engine.io's answer to a poll pending at a client close)
        state = State.CLOSING;
        buffer = null;
        buffer().add(String.valueOf(EnginePacket.Type.NOOP.digit));
        closeTimer = schedule(this::finishClose, CLIENT_CLOSE_GRACE_MILLIS);
      } else {
        if (poll != null) {
          if (byClient) {
            buffer = null;
            buffer().add(String.valueOf(EnginePacket.Type.NOOP.digit));
            answerPoll(false);
          } else {
            answerPoll(true);
          }
        }
        finishClose();
      }
      notify = handlerNotified ? null : handler;
      handlerNotified = true;
    }
    WsConnection ws = socket;
    if (ws != null) {
      if (byClient || reason.equals(PING_TIMEOUT) || reason.equals(TRANSPORT_ERROR)) {
        ws.abort();
      } else {
        ws.close(WsConnection.NORMAL); // after the frames already queued
      }
    }
    if (notify != null) {
      notify.onClose(reason);
    }
  }

  private synchronized void finishClose() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    cancel(closeTimer);
    closeTimer = null;
    buffer = null;
    server.remove(this);
  }
}
