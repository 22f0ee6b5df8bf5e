package dev.chatctl.server.chat;

import dev.chatctl.protocol.Json;
import dev.chatctl.protocol.chat.Answers;
import dev.chatctl.protocol.chat.ClientEvent;
import dev.chatctl.protocol.chat.DirectoryEntry;
import dev.chatctl.protocol.chat.Events;
import dev.chatctl.protocol.chat.Refusal;
import dev.chatctl.server.socketio.Ack;
import dev.chatctl.server.socketio.Socket;
import dev.chatctl.server.store.Database;
import dev.chatctl.server.store.MessageStore;
import dev.chatctl.server.store.UserRecord;
import dev.chatctl.server.store.UserStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only requests (PROTOCOL.md "Requests"): {@code status:request}, {@code users:list},
 * {@code message:history}, {@code conversation:list}. Database reads run on the {@code readers}
 * pool after the socket's earlier requests (a history read sees a send made before it).
 */
final class Requests {
  private static final Logger log = LoggerFactory.getLogger(Requests.class);

  private final Database database;
  private final Presence presence;
  private final ExecutorService readers;
  private final Responses responses;

  Requests(Database database, Presence presence, ExecutorService readers, Responses responses) {
    this.database = database;
    this.presence = presence;
    this.readers = readers;
    this.responses = responses;
  }

  void status(Socket socket, ChatSession session, Ack ack) {
    session.replies.add(
        () -> CompletableFuture.completedFuture(presence.onlineUserIds()),
        false,
        (ids, error) -> {
          String json = Json.write(ids);
          socket.emitJson(Events.USERS_ONLINE, json);
          if (ack != null) {
            ack.sendJson(json);
          }
        });
  }

  void listUsers(Socket socket, ChatSession session, ClientEvent.ListUsers request, Ack ack) {
    session.replies.add(
        () ->
            CompletableFuture.supplyAsync(
                () -> directory(request.query(), request.limit()), readers),
        true,
        (users, error) -> {
          if (failed(socket, ack, "users:list", error)) {
            return;
          }
          Responses.answer(socket, ack, Events.USERS_LIST, new Answers.Users(true, users));
        });
  }

  /** users:list: matches online first (by id), then the rest of the directory (by id). */
  List<DirectoryEntry> directory(String query, int limit) {
    String q = query == null ? null : query.toLowerCase();
    List<String> online = presence.onlineUserIds();
    Map<String, UserRecord> onlineUsers =
        online.isEmpty() ? Map.of() : UserStore.find(database.dsl(), online);
    List<DirectoryEntry> entries = new ArrayList<>();
    onlineUsers.values().stream()
        .filter(
            u ->
                q == null
                    || u.id().toLowerCase().contains(q)
                    || (u.name() != null && u.name().toLowerCase().contains(q)))
        .sorted(Comparator.comparing(UserRecord::id))
        .limit(limit)
        .forEach(u -> entries.add(new DirectoryEntry(u.id(), u.name(), u.image(), true)));
    if (entries.size() < limit) {
      for (UserRecord u :
          UserStore.search(database.dsl(), query, onlineUsers.keySet(), limit - entries.size())) {
        entries.add(new DirectoryEntry(u.id(), u.name(), u.image(), presence.isOnline(u.id())));
      }
    }
    return entries;
  }

  void history(Socket socket, ChatSession session, ClientEvent.History request, Ack ack) {
    session.replies.add(
        () ->
            CompletableFuture.supplyAsync(
                () ->
                    MessageStore.history(
                        database.dsl(),
                        session.userId(),
                        request.withUserId(),
                        request.before(),
                        request.limit()),
                readers),
        true,
        (page, error) -> {
          if (failed(socket, ack, "message:history", error)) {
            return;
          }
          if (page == null) {
            responses.requestFailed(
                socket, ack, Refusal.invalid("before is not a message of this conversation"));
          } else {
            Responses.answer(
                socket,
                ack,
                Events.MESSAGE_HISTORY,
                new Answers.History(
                    true,
                    request.withUserId(),
                    page.messages().stream().map(Wire::view).toList(),
                    page.hasMore()));
          }
        });
  }

  void conversations(Socket socket, ChatSession session, Ack ack) {
    session.replies.add(
        () ->
            CompletableFuture.supplyAsync(
                () -> MessageStore.conversations(database.dsl(), session.userId()), readers),
        true,
        (list, error) -> {
          if (failed(socket, ack, "conversation:list", error)) {
            return;
          }
          Responses.answer(
              socket,
              ack,
              Events.CONVERSATION_LIST,
              new Answers.Conversations(
                  true,
                  list.stream()
                      .map(
                          c ->
                              new Answers.Conversation(
                                  c.userId(), Wire.view(c.lastMessage()), c.unreadCount()))
                      .toList()));
        });
  }

  /** A read that failed is answered UNAVAILABLE or INTERNAL; true when it did. */
  private boolean failed(Socket socket, Ack ack, String request, Throwable error) {
    if (error == null) {
      return false;
    }
    log.warn("{} failed: {}", request, error.toString());
    responses.requestFailed(socket, ack, Responses.failure(error, "Internal error"));
    return true;
  }
}
