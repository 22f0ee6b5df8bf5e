package dev.chatctl.server.engineio;

import java.time.Duration;

/**
 * Engine.IO settings announced in the handshake and enforced by the server.
 *
 * @param pingInterval how often the server pings
 * @param pingTimeout how long a client has to answer a ping before it is treated as gone
 * @param maxPayload the largest packet (WebSocket) or request body (polling) accepted, in bytes
 * @param upgradeTimeout how long a WebSocket probe may take to complete the upgrade
 * @param maxBufferedBytes how much may wait to be written to one WebSocket before the client is
 *     treated as gone (it stopped reading)
 */
public record EngineOptions(
    Duration pingInterval,
    Duration pingTimeout,
    int maxPayload,
    Duration upgradeTimeout,
    long maxBufferedBytes) {

  /** Default of {@code maxBufferedBytes}: room for a full backlog page of the longest messages. */
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 16L * 1024 * 1024;

  /** socket.io's defaults: ping every 25 s, 20 s to answer, 1 MB payloads, 10 s to upgrade. */
  public static EngineOptions defaults() {
    return new EngineOptions(
        Duration.ofMillis(25_000),
        Duration.ofMillis(20_000),
        1_000_000,
        Duration.ofSeconds(10),
        DEFAULT_MAX_BUFFERED_BYTES);
  }

  public EngineOptions withPing(Duration interval, Duration timeout) {
    return new EngineOptions(interval, timeout, maxPayload, upgradeTimeout, maxBufferedBytes);
  }
}
