package dev.chatctl.server.chat;

import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.chat.Answers;
import dev.chatctl.protocol.chat.ClientEvent;
import dev.chatctl.protocol.chat.ErrorCode;
import dev.chatctl.protocol.chat.Events;
import dev.chatctl.protocol.chat.Receipts;
import dev.chatctl.protocol.chat.Refusal;
import dev.chatctl.server.socketio.Ack;
import dev.chatctl.server.socketio.Adapter;
import dev.chatctl.server.socketio.Socket;
import dev.chatctl.server.store.Draft;
import dev.chatctl.server.store.LiveInboxes;
import dev.chatctl.server.store.ReadMark;
import dev.chatctl.server.store.StoreOp;
import dev.chatctl.server.store.StoreOp.SendOutcome;
import dev.chatctl.server.store.StoreWriter;
import dev.chatctl.server.store.StoredMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages from sender to recipient (PROTOCOL.md "Messages" and "Delivery"): {@code message:send}
 * stored and answered, the message written to the recipient's live sockets in store order, a new
 * socket's backlog before its live messages, and the receipts ({@code message:delivered}, {@code
 * message:read}) to the sender's sockets.
 *
 * <p>Store completions run on the writer thread, in store order; so do the writes to recipients and
 * the receipts made there. Each socket's own answers go through its {@link Replies}.
 */
final class Delivery {
  private static final Logger log = LoggerFactory.getLogger(Delivery.class);

  private final StoreWriter writer;
  private final Adapter sockets;
  private final LiveInboxes live;
  private final Clock clock;
  private final ChatMetrics metrics;
  private final Responses responses;

  Delivery(
      StoreWriter writer,
      Adapter sockets,
      LiveInboxes live,
      Clock clock,
      ChatMetrics metrics,
      Responses responses) {
    this.writer = writer;
    this.sockets = sockets;
    this.live = live;
    this.clock = clock;
    this.metrics = metrics;
    this.responses = responses;
  }

  /**
   * A send's outcome, the stored message as JSON, and when it was delivered live (null: not yet).
   */
  private record Sent(SendOutcome outcome, String json, Instant deliveredAt) {}

  void send(Socket socket, ChatSession session, ClientEvent.SendMessage message, Ack ack) {
    long start = System.nanoTime();
    session.replies.add(
        () -> {
          // recipients get the message in store order, as soon as it is stored: on the writer
          // thread, where the callback runs because it is attached before the send is queued
          CompletableFuture<SendOutcome> stored = new CompletableFuture<>();
          CompletableFuture<Sent> sent =
              stored.thenApply(
                  outcome -> {
                    if (!(outcome instanceof SendOutcome.Stored s)) {
                      return new Sent(outcome, null, null);
                    }
                    String json = Json.write(Wire.message(s.message())); // once, for every socket
                    return new Sent(outcome, json, s.created() ? deliver(s.message(), json) : null);
                  });
          Draft draft =
              new Draft(
                  session.userId(),
                  message.recipientId(),
                  message.content(),
                  message.sessionId(),
                  message.clientMessageId());
          writer.submit(session.lane, new StoreOp.Send(draft, stored));
          return sent;
        },
        false,
        (sent, error) -> {
          metrics.storeLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          answerSend(socket, session, message, ack, sent, error);
        });
  }

  private void answerSend(
      Socket socket,
      ChatSession session,
      ClientEvent.SendMessage message,
      Ack ack,
      Sent sent,
      Throwable error) {
    switch (sent == null ? null : sent.outcome()) {
      case null -> {
        Refusal refusal = Responses.failure(error, "The message could not be stored");
        if (error instanceof StoreWriter.Stopped || refusal.code() == ErrorCode.UNAVAILABLE) {
          // stopping, or the database is gone (the writer says so once per batch, not per message)
          log.debug("not stored: a message of {}: {}", session.userId(), String.valueOf(error));
        } else {
          log.warn("storing a message of {} failed: {}", session.userId(), String.valueOf(error));
        }
        responses.sendFailed(socket, ack, refusal, message.clientMessageId());
      }
      case SendOutcome.RecipientNotFound nf ->
          responses.sendFailed(
              socket,
              ack,
              new Refusal(ErrorCode.RECIPIENT_NOT_FOUND, "Recipient not found"),
              message.clientMessageId());
      case SendOutcome.Stored s -> {
        (s.created() ? metrics.stored : metrics.duplicates).increment();
        socket.emitJson(Events.MESSAGE_SENT, sent.json());
        if (ack != null) {
          ack.sendJson("{\"ok\":true,\"message\":" + sent.json() + "}");
        }
        if (sent.deliveredAt() != null) { // after message:sent, which tells the sender the id
          delivered(
              s.message().senderId(),
              s.message().recipientId(),
              List.of(s.message().id()),
              sent.deliveredAt());
        }
      }
    }
  }

  /**
   * Writes a newly stored message to the recipient's live sockets (on the writer thread); returns
   * when it was delivered, or null when no socket took it.
   */
  private Instant deliver(StoredMessage message, String json) {
    int written =
        sockets
            .to(message.recipientId())
            .when(ChatSession::isLive)
            .emit(Events.MESSAGE_RECEIVE, json, Wire.offset(message));
    boolean stamped = message.deliveredAt() != null;
    if (written > 0 && stamped) {
      return message.deliveredAt();
    } else if (written > 0) {
      // a socket became live after the store decided: record the delivery now
      writer.submit(
          new StoreOp.Deliveries(List.of(message.id()), List.of(), new CompletableFuture<>()));
      return Instant.ofEpochMilli(clock.millis());
    } else if (stamped) {
      undeliver(List.of(message)); // its sockets all went away: the next connect gets it
    }
    return null;
  }

  private void undeliver(List<StoredMessage> messages) {
    List<String> ids = new ArrayList<>();
    for (StoredMessage m : messages) {
      if (m.deliveredAt() != null && m.readAt() == null) {
        ids.add(m.id());
      }
    }
    if (!ids.isEmpty()) {
      writer.submit(new StoreOp.Deliveries(List.of(), ids, new CompletableFuture<>()));
    }
  }

  /** message:delivered to every socket of the sender. */
  private void delivered(String senderId, String recipientId, List<String> ids, Instant at) {
    sockets
        .to(senderId)
        .emit(
            Events.MESSAGE_DELIVERED,
            Json.write(new Receipts.Delivered(ids, recipientId, Wire.iso(at))));
  }

  /** Writes the socket's backlog page by page; then it takes live messages. */
  void openInbox(Socket socket, ChatSession session, long cursor) {
    // the callback is attached before the operation is queued, so it runs on the writer thread
    CompletableFuture<StoreOp.Backlog> backlog = new CompletableFuture<>();
    backlog.whenComplete(
        (page, error) -> {
          if (error != null) {
            log.warn("backlog of {} failed: {}", session.userId(), error.getMessage());
            socket.disconnect(
                true); // the client reconnects (and recovers) rather than miss messages
          } else {
            writeBacklog(socket, session, page);
          }
        });
    writer.submit(new StoreOp.OpenInbox(session.userId(), session.replayAfter, cursor, backlog));
  }

  private void writeBacklog(Socket socket, ChatSession session, StoreOp.Backlog page) {
    List<StoredMessage> newlyDelivered =
        page.messages().stream().filter(m -> page.newlyDelivered().contains(m.id())).toList();
    if (!socket.connected()) {
      undeliver(
          newlyDelivered); // only what this page marked: a replay also holds messages delivered
      // before
      return;
    }
    for (StoredMessage m : page.messages()) {
      socket.emitJson(Events.MESSAGE_RECEIVE, Json.write(Wire.message(m)), Wire.offset(m));
    }
    metrics.replayed.increment(page.messages().size());
    // receipts for what became delivered now, at the time this page marked it
    Instant at = newlyDelivered.isEmpty() ? null : newlyDelivered.get(0).deliveredAt();
    bySender(newlyDelivered, StoredMessage::senderId, StoredMessage::id)
        .forEach((sender, ids) -> delivered(sender, session.userId(), ids, at));
    if (page.more()) {
      writer.afterThisBatch(() -> openInbox(socket, session, page.cursor()));
    } else if (session.goLive()) {
      live.open(session.userId());
    }
  }

  /** The socket is gone: it takes no more live messages. */
  void closeInbox(ChatSession session) {
    if (session.end()) {
      live.close(session.userId());
    }
  }

  void read(Socket socket, ChatSession session, ClientEvent.ReadMessages request, Ack ack) {
    session.replies.add(
        () -> {
          CompletableFuture<List<ReadMark>> marked = new CompletableFuture<>();
          CompletableFuture<List<String>> receipted =
              marked.thenApply(
                  marks -> {
                    String readAt = Wire.iso(Instant.ofEpochMilli(clock.millis()));
                    bySender(marks, ReadMark::senderId, ReadMark::id)
                        .forEach(
                            (sender, ids) ->
                                sockets
                                    .to(sender)
                                    .emit(
                                        Events.MESSAGE_READ,
                                        Json.write(
                                            new Receipts.Read(ids, session.userId(), readAt))));
                    return marks.stream().map(ReadMark::id).toList();
                  });
          writer.submit(
              session.lane, new StoreOp.Read(session.userId(), request.messageIds(), marked));
          return receipted;
        },
        false,
        (ids, error) -> {
          if (error != null) {
            log.warn("message:read failed: {}", error.toString());
            responses.requestFailed(socket, ack, Responses.failure(error, "Internal error"));
          } else if (ack != null) {
            ack.send(new Answers.ReadIds(true, ids));
          }
        });
  }

  /** Message ids grouped by sender, in order. */
  private static <T> Map<String, List<String>> bySender(
      List<T> items, Function<T, String> sender, Function<T, String> id) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (T item : items) {
      out.computeIfAbsent(sender.apply(item), k -> new ArrayList<>()).add(id.apply(item));
    }
    return out;
  }
}
