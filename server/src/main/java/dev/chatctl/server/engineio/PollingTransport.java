package dev.chatctl.server.engineio;

import dev.chatctl.protocol.ProtocolException;
import dev.chatctl.protocol.engineio.EngineCodec;
import dev.chatctl.protocol.engineio.EnginePacket;
import io.undertow.server.HttpServerExchange;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Engine.IO's HTTP long-polling transport of one session (engine.io's {@code transports/polling}):
 * the packets waiting for a poll, the GET waiting for packets, and the POSTs that carry the
 * client's packets.
 *
 * <p>A close ends with one packet alone in the last poll's answer: CLOSE after a server close, NOOP
 * after the client's. Packets sent before the close travel in the answers before it, so
 * engine.io-client hands them to the application before it learns of the close (it acts on a CLOSE
 * at once, but on messages a tick later).
 *
 * <p>What waits for a poll is bounded like a WebSocket's write queue: a client that stops polling
 * while more than {@code maxBufferedBytes} is sent to it loses the buffer and its session (the next
 * poll, if one comes, gets CLOSE), instead of holding it until its ping timeout.
 *
 * <p>Guarded by the session's monitor: every method is called holding it, except {@link #onPoll}
 * and {@link #onPost}, which take it.
 */
final class PollingTransport {
  private final EngineSession session;
  private final long maxBufferedBytes;
  private List<Object> buffer; // String frames (type digit first) and byte[] messages
  private long bufferedBytes; // about what the buffer will take in a poll's answer
  private HttpServerExchange poll; // the GET waiting for packets
  private char closing; // the packet that ends the last poll; 0 while open

  PollingTransport(EngineSession session, long maxBufferedBytes) {
    this.session = session;
    this.maxBufferedBytes = maxBufferedBytes;
  }

  /** A GET: answered at once with what is buffered, or held until there is some. */
  void onPoll(HttpServerExchange exchange) {
    if (session.closeIfPongOverdue(exchange)) {
      return;
    }
    synchronized (session) {
      if (!session.pollsWith(this)) {
        HttpReplies.error(exchange, EngineError.BAD_REQUEST);
        return;
      }
      if (poll == null) {
        poll = exchange;
        if (closing != 0) {
          answerClosing();
        } else if (hasPackets()) {
          flush();
        } else {
          HttpReplies.hold(exchange);
          session.pollHeld();
        }
        return;
      }
    }
    // two GETs at once: the client is broken, and engine.io closes the session
    HttpReplies.error(exchange, EngineError.BAD_REQUEST);
    session.close(CloseReason.TRANSPORT_ERROR);
  }

  /** A POST: the packets of its body, in order. */
  void onPost(HttpServerExchange exchange, String body) {
    if (session.closeIfPongOverdue(exchange)) {
      return;
    }
    List<EnginePacket> packets;
    try {
      packets = EngineCodec.decodePayload(body);
    } catch (ProtocolException e) {
      HttpReplies.error(exchange, EngineError.BAD_REQUEST);
      session.close(CloseReason.PARSE_ERROR);
      return;
    }
    synchronized (session) {
      if (!session.pollsWith(this)) {
        HttpReplies.error(exchange, EngineError.BAD_REQUEST);
        return;
      }
    }
    HttpReplies.respond(exchange, 200, HttpReplies.TEXT_HTML, "ok");
    for (EnginePacket packet : packets) {
      session.onPacket(packet);
    }
  }

  /** Buffers a text frame and its binary messages, and answers a waiting poll with them. */
  void send(String text, List<byte[]> binaries) {
    if (buffer == null) {
      buffer = new ArrayList<>(4);
    }
    buffer.add(text);
    bufferedBytes += text.length() + 1;
    for (byte[] binary : binaries) {
      buffer.add(binary);
      bufferedBytes += (binary.length + 2) / 3 * 4 + 2; // base64, 'b' and a separator
    }
    if (poll != null) {
      flush();
    } else if (bufferedBytes > maxBufferedBytes) {
      // the client stopped polling: drop what waits for it, and the session once the sender is done
      buffer = null;
      bufferedBytes = 0;
      session.schedule(() -> session.close(CloseReason.TRANSPORT_ERROR), 0);
    }
  }

  /** Ends a waiting poll with a NOOP (during an upgrade: so the client can pause polling). */
  void endPollWithNoop() {
    if (poll != null && closing == 0) {
      send(String.valueOf(EnginePacket.Type.NOOP.digit), List.of());
    }
  }

  /**
   * Closes: what is buffered goes out first (unless {@code discard}), then {@code last} alone in
   * the answer to the poll after, which ends the session.
   */
  void close(char last, boolean discard) {
    closing = last;
    if (discard) {
      buffer = null;
      bufferedBytes = 0;
    }
    if (poll != null) {
      answerClosing();
    }
  }

  private void answerClosing() {
    if (hasPackets()) {
      flush();
    } else {
      answer(String.valueOf(closing));
      session.finishClose();
    }
  }

  /**
   * Hands what is buffered to the WebSocket that becomes the transport; a poll racing it is
   * refused.
   */
  void moveTo(WsConnection ws) {
    if (poll != null) {
      // a client polls no more once it sends UPGRADE: this poll raced it
      HttpReplies.error(poll, EngineError.BAD_REQUEST);
      poll = null;
    }
    if (buffer != null) {
      for (Object frame : buffer) {
        if (frame instanceof String text) {
          ws.sendText(text);
        } else {
          ws.sendBinary((byte[]) frame);
        }
      }
      buffer = null;
      bufferedBytes = 0;
    }
  }

  /** Drops what is buffered and a waiting poll (the session is over). */
  void clear() {
    buffer = null;
    bufferedBytes = 0;
    if (poll != null) {
      HttpReplies.error(poll, EngineError.UNKNOWN_SID);
      poll = null;
    }
  }

  private boolean hasPackets() {
    return buffer != null && !buffer.isEmpty();
  }

  /** Answers the waiting poll with the buffered packets, in one payload. */
  private void flush() {
    StringBuilder body = new StringBuilder();
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
    bufferedBytes = 0;
    answer(body.toString());
  }

  private void answer(String body) {
    HttpServerExchange exchange = poll;
    poll = null;
    HttpReplies.respond(exchange, 200, HttpReplies.TEXT_PLAIN, body);
  }
}
