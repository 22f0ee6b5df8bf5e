package dev.chatctl.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.protocol.chat.Message;
import dev.chatctl.protocol.chat.MessageError;
import dev.chatctl.protocol.chat.Receipts;
import java.time.Duration;
import java.util.List;

/**
 * What a {@link ChatClient} reports: the server's chat events, and its connection's ups and downs.
 */
public sealed interface ChatEvent {

  // ------------------------------------------------------------------ chat events (PROTOCOL.md)

  /** {@code message:receive}; {@code offset} is its recovery offset (null without one). */
  record Received(Message message, String offset) implements ChatEvent {}

  /** {@code message:sent}: one of this socket's messages was stored. */
  record Sent(Message message) implements ChatEvent {}

  /** {@code message:error}: a send (or a request without ack) was refused. */
  record SendFailed(MessageError error) implements ChatEvent {}

  /** {@code message:delivered}: messages of mine reached a socket of the recipient. */
  record Delivered(Receipts.Delivered receipt) implements ChatEvent {}

  /** {@code message:read}: the recipient read messages of mine. */
  record Read(Receipts.Read receipt) implements ChatEvent {}

  /** {@code user:online}. */
  record UserOnline(String userId) implements ChatEvent {}

  /** {@code user:offline}. */
  record UserOffline(String userId) implements ChatEvent {}

  /** {@code users:online}: who is online now. */
  record OnlineUsers(List<String> userIds) implements ChatEvent {}

  /** {@code auth:expired}: the token expired; the server disconnects next. */
  record AuthExpired(String code) implements ChatEvent {}

  /** Any other event, or one whose payload did not have the contract's shape. */
  record Other(String event, List<JsonNode> args) implements ChatEvent {}

  // ------------------------------------------------------------------ the connection

  /** Connected; {@code recovered}: the session (and what was missed) came back after a drop. */
  record Connected(String sid, String pid, boolean recovered, boolean reconnect)
      implements ChatEvent {}

  /** A connect attempt failed; {@code willRetry}: another follows. */
  record ConnectFailed(ClientException error, boolean willRetry) implements ChatEvent {}

  /** The connection ended (see {@link SocketClient.Listener#onDisconnect} for the reasons). */
  record Disconnected(String reason, boolean willReconnect) implements ChatEvent {}

  /** Reconnect attempt {@code attempt} starts after {@code delay}. */
  record Reconnecting(int attempt, Duration delay) implements ChatEvent {}
}
