package dev.chatctl.cli.chat;

import dev.chatctl.cli.chat.OwnMessages.Own;
import dev.chatctl.cli.chat.OwnMessages.Status;
import dev.chatctl.cli.client.ChatClient;
import dev.chatctl.cli.client.ChatEvent;
import dev.chatctl.cli.client.ClientException;
import dev.chatctl.cli.client.ClientOptions;
import dev.chatctl.protocol.chat.JsText;
import dev.chatctl.protocol.chat.Message;
import dev.chatctl.util.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jline.reader.UserInterruptException;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * One interactive chat session ({@code chatctl connect}): reads lines from a {@link ConsoleIO},
 * sends plain lines through a {@link ChatClient} to the user talked to, runs commands ({@link
 * ConsoleCommands}), and shows on the {@link Screen} what arrives: messages with time, sender and
 * colour, presence, errors with their code, the connection's drops and returns, and the marks on
 * my own messages ({@link OwnMessages}), updated in place on terminals that can.
 *
 * <p>Messages of the conversation on screen are marked read (batched {@code message:read});
 * messages from others are marked read when {@code /to} switches to them.
 */
public final class ChatConsole implements AutoCloseable {
  private static final Duration QUIT_GRACE = Duration.ofSeconds(5);

  private final ConsoleIO io;
  private final ChatClient client;
  private final Directory directory;
  private final String me;
  private final Screen screen;
  private final ConsoleCommands commands;
  private final OwnMessages own = new OwnMessages();
  private final ReadBatcher reads;
  private final Map<String, List<String>> unreadBySender = new LinkedHashMap<>();
  private volatile String peer;
  private volatile boolean connected;
  private volatile boolean everConnected;

  /**
   * @param me the user id the token names, for the prompt (null: "you")
   * @param peer who to talk to first (null: nobody until /to)
   */
  public ChatConsole(ConsoleIO io, ClientOptions options, Directory directory, String me, String peer, ZoneId zone) {
    this.io = io;
    this.directory = directory;
    this.me = me;
    this.peer = peer;
    this.screen = new Screen(io, zone);
    this.commands = new ConsoleCommands(this, screen);
    this.client = new ChatClient(options, this::onEvent);
    this.reads = new ReadBatcher(client, Duration.ofMillis(250));
  }

  public ChatClient client() {
    return client;
  }

  /** Connects (the first time); throws the {@link ClientException} when the server cannot be joined. */
  public void connect(Duration timeout) throws InterruptedException {
    try {
      client.connect().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw ClientException.of(e);
    } catch (TimeoutException e) {
      throw new ClientException(ClientException.Kind.TIMEOUT, "no answer from " + client.socket().websocketUri() + " within " + Durations.format(timeout));
    }
    screen.info("connected to " + client.socket().options().url() + " as " + (me != null ? me : "the token's user") + "; /help for commands");
    if (peer != null) {
      screen.info("talking to " + peer);
    }
    CompletableFuture<Void> users = client.users(null, 100).thenAccept(directory::addAll);
    client.conversations().thenAccept(commands::showUnread);
    try {
      users.get(2, TimeUnit.SECONDS); // so that Tab completes user ids from the first prompt
    } catch (ExecutionException | TimeoutException e) {
      // completion fills in as users come and go
    }
  }

  /** Reads and runs lines until /quit, Ctrl-D or the end of the input; returns the exit code. */
  public int run() {
    while (true) {
      String line;
      try {
        line = io.readLine(prompt());
      } catch (UserInterruptException e) {
        if (e.getPartialLine() == null || e.getPartialLine().isBlank()) {
          break; // Ctrl-C on an empty line leaves too
        }
        continue; // Ctrl-C drops the line being typed
      }
      if (line == null || !handle(line)) {
        break;
      }
    }
    leave();
    return 0;
  }

  /** Runs one typed line; false when it asks to leave. */
  boolean handle(String raw) {
    String line = JsText.trim(raw);
    if (line.isEmpty()) {
      return true;
    }
    if (line.startsWith("//")) {
      send(line.substring(1));
    } else if (!line.startsWith("/")) {
      send(line);
    } else {
      return commands.run(line);
    }
    return true;
  }

  // ------------------------------------------------------------------ for the commands

  Directory directory() {
    return directory;
  }

  String me() {
    return me;
  }

  String peer() {
    return peer;
  }

  ReadBatcher reads() {
    return reads;
  }

  /** Talks to {@code user} from now on: their messages shown so far are marked read. */
  void talkTo(String user) {
    peer = user;
    List<String> unread;
    synchronized (unreadBySender) {
      unread = unreadBySender.remove(user);
    }
    if (unread != null) {
      reads.add(unread); // they were on screen
    }
    io.setPrompt(prompt());
  }

  // ------------------------------------------------------------------ sending

  private void send(String text) {
    String to = peer;
    if (to == null) {
      screen.error("no one to send to: /to USER first");
      return;
    }
    String clientMessageId = ChatClient.newClientMessageId();
    Own mine = own.add(clientMessageId, to, JsText.trim(text), Instant.now(), connected);
    if (io.canReplace()) {
      screen.printOwn(mine); // then marked in place as the answers come
    } else if (!connected) {
      screen.warn("not connected: the message is sent when the connection is back");
    }
    client.send(new ChatClient.Outgoing(to, text, null, clientMessageId)).whenComplete((m, error) -> {
      if (error != null && ClientException.of(error).kind() != ClientException.Kind.REFUSED) {
        own.failed(clientMessageId, ClientException.of(error).getMessage()); // refusals come as message:error
        screen.updateOwn(mine, () -> screen.ownLine(mine));
      }
    });
  }

  // ------------------------------------------------------------------ events (client event loop)

  private void onEvent(ChatEvent event) {
    switch (event) {
      case ChatEvent.Received r -> received(r.message());
      case ChatEvent.Sent s -> {
        Own mine = own.sent(s.message());
        if (mine != null) {
          screen.updateOwn(mine, () -> screen.ownLine(mine));
        }
      }
      case ChatEvent.SendFailed f -> {
        Own mine = own.failed(f.error().clientMessageId(), f.error().code());
        if (mine != null) {
          screen.updateOwn(mine, () -> screen.line().append("✗ not sent to " + mine.to + ": \"" + Screen.snippet(mine.content) + "\": "
              + f.error().code() + ": " + f.error().error(), Screen.ERROR).toAttributedString());
        } else {
          screen.error("error " + f.error().code() + ": " + f.error().error());
        }
      }
      case ChatEvent.Delivered d -> receipts(d.receipt().messageIds(), Status.DELIVERED, "delivered to " + d.receipt().recipientId());
      case ChatEvent.Read r -> receipts(r.receipt().messageIds(), Status.READ, "read by " + r.receipt().readerId());
      case ChatEvent.UserOnline u -> {
        directory.online(u.userId());
        if (!u.userId().equals(me)) {
          screen.print(screen.line().append("● " + u.userId() + " is online", Screen.GOOD));
        }
      }
      case ChatEvent.UserOffline u -> {
        directory.offline(u.userId());
        if (!u.userId().equals(me)) {
          screen.warn("○ " + u.userId() + " went offline");
        }
      }
      case ChatEvent.OnlineUsers o -> directory.onlineNow(o.userIds());
      case ChatEvent.AuthExpired a -> screen.error("your token expired (" + a.code() + "): the server ends the connection");
      case ChatEvent.Connected c -> {
        connected = true;
        everConnected = true;
        io.setPrompt(prompt());
        if (c.reconnect()) {
          screen.print(screen.line().append("connected again", Screen.GOOD)
              .append(c.recovered() ? " (session recovered: what you missed follows)" : " (new session)", Screen.FAINT));
        }
        client.onlineUsers().thenAccept(directory::onlineNow);
      }
      case ChatEvent.Disconnected d -> {
        connected = false;
        io.setPrompt(prompt());
        if (d.willReconnect()) {
          screen.warn("connection lost (" + d.reason() + "); reconnecting…");
        } else if (!d.reason().equals("io client disconnect")) {
          screen.error("disconnected by the server; /quit to leave");
        }
      }
      case ChatEvent.Reconnecting r -> {
        if (r.attempt() > 1 && Integer.bitCount(r.attempt()) == 1) {
          screen.info("still reconnecting (attempt " + r.attempt() + ", next in " + Durations.format(Duration.ofMillis(r.delay().toMillis() / 100 * 100)) + ")");
        }
      }
      case ChatEvent.ConnectFailed f -> {
        if (!f.willRetry() && everConnected) { // a first connect that fails is the command's error
          ClientException e = f.error();
          screen.error("cannot reconnect: " + (e.code() != null ? e.code() + ": " : "") + e.getMessage() + "; /quit to leave");
        }
      }
      case ChatEvent.Other o -> {}
    }
  }

  private void received(Message m) {
    Own mine = own.byClientId(m.clientMessageId());
    if (mine != null && m.senderId().equals(m.recipientId())) {
      if (m.senderId().equals(peer)) {
        reads.add(List.of(m.id())); // a note to myself, on screen as my own line
      }
      return;
    }
    directory.known(m.senderId());
    boolean current = m.senderId().equals(peer);
    AttributedStringBuilder b = new AttributedStringBuilder();
    b.append(screen.when(m.createdAt(), false) + " ", Screen.FAINT);
    b.append(m.senderId(), current ? Screen.PEER : Screen.OTHER).append(": ").append(m.content());
    screen.print(b);
    if (current) {
      reads.add(List.of(m.id()));
    } else {
      synchronized (unreadBySender) {
        unreadBySender.computeIfAbsent(m.senderId(), k -> new ArrayList<>()).add(m.id());
      }
    }
  }

  private void receipts(List<String> ids, Status status, String what) {
    OwnMessages.Advanced advanced = own.receipt(ids, status);
    List<Own> rest = new ArrayList<>();
    for (Own mine : advanced.moved()) {
      if (!screen.replaceOwn(mine)) {
        rest.add(mine);
      }
    }
    AttributedStyle style = Marks.style(status);
    String mark = screen.marks().of(status);
    int unknown = advanced.unknown();
    if (rest.size() == 1 && unknown == 0) {
      screen.print(screen.line().append(mark + " " + what + ": \"" + Screen.snippet(rest.get(0).content) + "\"", style));
    } else if (rest.size() + unknown > 0) {
      int n = rest.size() + unknown;
      screen.print(screen.line().append(mark + " " + what + ": " + n + " message" + (n == 1 ? "" : "s"), style));
    }
  }

  String prompt() {
    AttributedStringBuilder b = new AttributedStringBuilder();
    b.append(me != null ? me : "you", Screen.ME);
    String p = peer;
    if (p != null) {
      b.append(" → ").append(p, Screen.PEER);
    }
    if (!connected) {
      b.append(" (offline)", Screen.WARN);
    }
    b.append("> ");
    return io.render(b.toAttributedString());
  }

  // ------------------------------------------------------------------ leaving

  private void leave() {
    CompletableFuture<Void> sent = client.whenSent();
    try {
      try {
        sent.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException slow) {
        int pending = client.pendingSends();
        screen.info("sending " + pending + " message" + (pending == 1 ? "" : "s") + " not answered yet…");
        sent.get(QUIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (TimeoutException | ExecutionException e) {
      int left = client.pendingSends();
      screen.error(left + " message" + (left == 1 ? " was" : "s were") + " not sent");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      reads.flush().get(2, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // read marks are best effort on the way out
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    client.close();
    io.close();
  }
}
