package dev.chatctl.server.chat;

import dev.chatctl.protocol.chat.Answers;
import dev.chatctl.protocol.chat.ErrorCode;
import dev.chatctl.protocol.chat.Events;
import dev.chatctl.protocol.chat.MessageError;
import dev.chatctl.protocol.chat.Refusal;
import dev.chatctl.server.socketio.Ack;
import dev.chatctl.server.socketio.Socket;
import dev.chatctl.server.store.StoreWriter;
import dev.chatctl.util.Throwables;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * How a socket's requests are answered and refused, as the contract says (PROTOCOL.md "Errors").
 */
final class Responses {
  private final ChatMetrics metrics;

  Responses(ChatMetrics metrics) {
    this.metrics = metrics;
  }

  static final Refusal RATE_LIMITED =
      new Refusal(ErrorCode.RATE_LIMITED, "Too many messages: slow down");
  static final Refusal TOO_MANY_IN_FLIGHT =
      new Refusal(ErrorCode.RATE_LIMITED, "Too many requests unanswered");

  /** Refuses a request in its turn among the socket's answers. */
  void refuse(
      Socket socket,
      ChatSession session,
      String event,
      Ack ack,
      Refusal refusal,
      String clientMessageId) {
    session.replies.add(
        () -> CompletableFuture.completedFuture(null),
        false,
        (ignored, error) -> refuseNow(socket, event, ack, refusal, clientMessageId));
  }

  /** Refuses a request at once, ahead of the answers still outstanding. */
  void refuseNow(Socket socket, String event, Ack ack, Refusal refusal, String clientMessageId) {
    if (event.equals(Events.MESSAGE_SEND)) {
      sendFailed(socket, ack, refusal, clientMessageId);
    } else {
      requestFailed(socket, ack, refusal);
    }
  }

  /**
   * The refusal of a request whose work failed: UNAVAILABLE when the database could not be reached
   * in time (the client may retry), else INTERNAL.
   */
  static Refusal failure(Throwable error, String internalMessage) {
    if (error instanceof StoreWriter.Unavailable
        || error instanceof TimeoutException
        || Throwables.has(error, SQLTransientConnectionException.class)) {
      return new Refusal(ErrorCode.UNAVAILABLE, "The database is unavailable: try again later");
    }
    return new Refusal(ErrorCode.INTERNAL, internalMessage);
  }

  /** message:send refused: message:error always, and the ack when asked. */
  void sendFailed(Socket socket, Ack ack, Refusal refusal, String clientMessageId) {
    metrics.error(refusal.code());
    socket.emit(
        Events.MESSAGE_ERROR,
        new MessageError(refusal.message(), refusal.code().name(), clientMessageId));
    if (ack != null) {
      ack.send(new Answers.Failure(refusal));
    }
  }

  /** Other requests refused: by ack, else message:error with no clientMessageId. */
  void requestFailed(Socket socket, Ack ack, Refusal refusal) {
    metrics.error(refusal.code());
    if (ack != null) {
      ack.send(new Answers.Failure(refusal));
    } else {
      socket.emit(
          Events.MESSAGE_ERROR, new MessageError(refusal.message(), refusal.code().name(), null));
    }
  }

  /** Answers by ack when asked, else by the event of the request's name. */
  static void answer(Socket socket, Ack ack, String event, Object answer) {
    if (ack != null) {
      ack.send(answer);
    } else {
      socket.emit(event, answer);
    }
  }
}
