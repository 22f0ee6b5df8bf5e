package dev.chatctl.cli.chat;

import dev.chatctl.cli.client.ChatClient;
import dev.chatctl.cli.client.ChatEvent;
import dev.chatctl.cli.client.ClientException;
import dev.chatctl.cli.client.ClientOptions;
import dev.chatctl.protocol.chat.Answers;
import dev.chatctl.protocol.chat.DirectoryEntry;
import dev.chatctl.protocol.chat.JsText;
import dev.chatctl.protocol.chat.Message;
import dev.chatctl.protocol.chat.StoredMessageView;
import dev.chatctl.util.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jline.reader.UserInterruptException;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * One interactive chat session ({@code chatctl connect}): reads commands and messages from a
 * {@link ConsoleIO}, sends through a {@link ChatClient}, and prints what arrives above the line
 * being typed: messages with time, sender and colour, presence, errors with their code, the
 * connection's drops and returns, and marks on my own messages (… pending, ✓ sent, ✓✓ delivered,
 * ✓✓ read), updated in place on terminals that can.
 *
 * <p>Messages of the conversation on screen are marked read (batched {@code message:read});
 * messages from others are marked read when {@code /to} switches to them.
 */
public final class ChatConsole implements AutoCloseable {

  /** A console command, for /help and Tab completion. */
  public record Command(String name, String args, String help) {}

  public static final List<Command> COMMANDS =
      List.of(
          new Command("/to", "USER", "talk to USER (Tab completes user ids, online first)"),
          new Command("/online", "", "who is online"),
          new Command("/users", "[QUERY]", "the directory, with unread counts"),
          new Command("/history", "[N]", "the last N messages with the current user (default 20)"),
          new Command("/help", "", "this help"),
          new Command("/quit", "", "leave (Ctrl-D too)"));

  static final int DEFAULT_HISTORY = 20;
  private static final Duration QUIT_GRACE = Duration.ofSeconds(5);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("MMM d HH:mm");

  private static final AttributedStyle FAINT = AttributedStyle.DEFAULT.foreground(AttributedStyle.BRIGHT | AttributedStyle.BLACK);
  private static final AttributedStyle ME = AttributedStyle.BOLD.foreground(AttributedStyle.GREEN);
  private static final AttributedStyle PEER = AttributedStyle.BOLD.foreground(AttributedStyle.CYAN);
  private static final AttributedStyle OTHER = AttributedStyle.BOLD.foreground(AttributedStyle.MAGENTA);
  private static final AttributedStyle GOOD = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
  private static final AttributedStyle WARN = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
  private static final AttributedStyle ERROR = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
  private static final AttributedStyle READ = AttributedStyle.DEFAULT.foreground(AttributedStyle.BLUE);

  private enum Status { PENDING, QUEUED, SENT, DELIVERED, READ, FAILED }

  /** One of my messages, as this console shows it. */
  private static final class Own {
    final String clientMessageId;
    final String to;
    final String content;
    final Instant at;
    volatile String id;
    volatile Status status;
    volatile String error;

    Own(String clientMessageId, String to, String content, Instant at, Status status) {
      this.clientMessageId = clientMessageId;
      this.to = to;
      this.content = content;
      this.at = at;
      this.status = status;
    }
  }

  private final ConsoleIO io;
  private final ChatClient client;
  private final Directory directory;
  private final String me;
  private final ZoneId zone;
  private final Marks marks;
  private final ReadBatcher reads;
  private final Map<String, Own> ownByClientId = bounded(2_000);
  private final Map<String, Own> ownById = bounded(2_000);
  private final Map<String, List<String>> unreadBySender = new LinkedHashMap<>();
  private final Object printLock = new Object();
  private volatile String peer;
  private volatile boolean connected;
  private volatile boolean everConnected;
  // guarded by printLock
  private String lastOwn;
  private int lastRows;

  /**
   * @param me the user id the token names, for the prompt (null: "you")
   * @param peer who to talk to first (null: nobody until /to)
   */
  public ChatConsole(ConsoleIO io, ClientOptions options, Directory directory, String me, String peer, ZoneId zone) {
    this.io = io;
    this.directory = directory;
    this.me = me;
    this.peer = peer;
    this.zone = zone;
    this.marks = new Marks(io.unicode());
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
    print(line().append("connected to " + client.socket().options().url() + " as " + (me != null ? me : "the token's user")
        + "; /help for commands", FAINT));
    if (peer != null) {
      print(line().append("talking to " + peer, FAINT));
    }
    java.util.concurrent.CompletableFuture<Void> users = client.users(null, 100).thenAccept(directory::addAll);
    client.conversations().thenAccept(this::showUnread);
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
      if (line == null) {
        break;
      }
      if (!handle(line)) {
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
      return true;
    }
    if (!line.startsWith("/")) {
      send(line);
      return true;
    }
    String[] words = line.split("\\s+", 2);
    String arg = words.length > 1 ? words[1].trim() : "";
    switch (words[0]) {
      case "/quit", "/exit" -> {
        return false;
      }
      case "/help" -> help();
      case "/to" -> to(arg);
      case "/online" -> online();
      case "/users" -> users(arg);
      case "/history" -> history(arg);
      default -> print(line().append("unknown command " + words[0] + "; /help lists them", ERROR));
    }
    return true;
  }

  // ------------------------------------------------------------------ commands

  private void help() {
    print(line().append("commands:", FAINT));
    for (Command c : COMMANDS) {
      print(new AttributedStringBuilder().append("  " + c.name() + (c.args().isEmpty() ? "" : " " + c.args()), AttributedStyle.BOLD)
          .append("  " + c.help()).toAttributedString());
    }
    print(line().append("  a plain line is a message to the current user; //text sends \"/text\"", FAINT));
  }

  private void to(String user) {
    if (user.isEmpty()) {
      print(line().append(peer == null ? "talking to nobody: /to USER" : "talking to " + peer, FAINT));
      return;
    }
    if (user.contains(" ") || user.length() > 191) {
      print(line().append("/to takes one user id", ERROR));
      return;
    }
    peer = user;
    String state =
        !directory.contains(user) ? " (not in the directory yet: messages to unknown users are refused)"
            : directory.isOnline(user) ? " (online)"
            : " (offline: messages wait for them)";
    print(line().append("talking to " + user + state, FAINT));
    List<String> unread;
    synchronized (unreadBySender) {
      unread = unreadBySender.remove(user);
    }
    if (unread != null) {
      reads.add(unread); // they were on screen
    }
    io.setPrompt(prompt());
  }

  private void online() {
    client.onlineUsers().whenComplete((ids, error) -> {
      if (error != null) {
        failed("/online", error);
        return;
      }
      directory.onlineNow(ids);
      List<String> sorted = ids.stream().sorted().toList();
      print(line().append("online: ", FAINT).append(sorted.isEmpty() ? "nobody" : String.join(", ", sorted), GOOD));
    });
  }

  private void users(String query) {
    client.users(query.isEmpty() ? null : query, 100)
        .thenCombine(client.conversations(), (users, conversations) -> {
          directory.addAll(users);
          Map<String, Integer> unread = new LinkedHashMap<>();
          conversations.forEach(c -> unread.put(c.userId(), c.unreadCount()));
          if (users.isEmpty()) {
            print(line().append("no users" + (query.isEmpty() ? "" : " match " + query), FAINT));
          }
          for (DirectoryEntry u : users) {
            AttributedStringBuilder b = new AttributedStringBuilder();
            b.append(u.online() ? "  ● " : "  ○ ", u.online() ? GOOD : FAINT);
            b.append(u.id(), AttributedStyle.BOLD);
            if (u.name() != null) {
              b.append("  " + u.name());
            }
            int n = unread.getOrDefault(u.id(), 0);
            if (n > 0) {
              b.append("  " + n + " unread", WARN);
            }
            print(b.toAttributedString());
          }
          return null;
        })
        .exceptionally(error -> {
          failed("/users", error);
          return null;
        });
  }

  private void history(String arg) {
    String with = peer;
    if (with == null) {
      print(line().append("/history shows the conversation with the current user: /to USER first", ERROR));
      return;
    }
    int n = DEFAULT_HISTORY;
    if (!arg.isEmpty()) {
      try {
        n = Integer.parseInt(arg);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > 100) {
        print(line().append("/history takes a number from 1 to 100", ERROR));
        return;
      }
    }
    client.history(with, null, n).whenComplete((page, error) -> {
      if (error != null) {
        failed("/history", error);
        return;
      }
      showHistory(page);
    });
  }

  private void showHistory(Answers.History page) {
    if (page.messages().isEmpty()) {
      print(line().append("no messages with " + page.withUserId() + " yet", FAINT));
      return;
    }
    print(line().append("-- " + page.messages().size() + " message" + (page.messages().size() == 1 ? "" : "s") + " with " + page.withUserId()
        + (page.hasMore() ? " (there are older ones: /history 100)" : "") + " --", FAINT));
    List<String> unread = new ArrayList<>();
    for (StoredMessageView m : page.messages()) {
      boolean mine = !m.senderId().equals(page.withUserId()) || m.senderId().equals(m.recipientId()) && m.senderId().equals(me);
      AttributedStringBuilder b = new AttributedStringBuilder();
      b.append(when(m.createdAt(), true) + " ", FAINT);
      if (mine) {
        b.append("you", ME).append(" → " + m.recipientId() + ": ").append(m.content());
        Status s = m.readAt() != null ? Status.READ : m.deliveredAt() != null ? Status.DELIVERED : Status.SENT;
        marks.append(b, s, null);
      } else {
        b.append(m.senderId(), PEER).append(": ").append(m.content());
        if (m.readAt() == null) {
          unread.add(m.id());
        }
      }
      print(b.toAttributedString());
    }
    if (!unread.isEmpty() && page.withUserId().equals(peer)) {
      reads.add(unread);
    }
  }

  private void showUnread(List<Answers.Conversation> conversations) {
    List<String> parts = new ArrayList<>();
    for (Answers.Conversation c : conversations) {
      if (c.unreadCount() > 0) {
        parts.add(c.userId() + " " + c.unreadCount());
      }
    }
    if (!parts.isEmpty()) {
      print(line().append("unread: ", FAINT).append(String.join(", ", parts), WARN).append("  (/to USER, then /history)", FAINT));
    }
  }

  private void failed(String what, Throwable error) {
    ClientException e = ClientException.of(error);
    print(line().append(what + " failed: " + (e.code() != null ? e.code() + ": " : "") + e.getMessage(), ERROR));
  }

  // ------------------------------------------------------------------ sending

  private void send(String text) {
    String to = peer;
    if (to == null) {
      print(line().append("no one to send to: /to USER first", ERROR));
      return;
    }
    String clientMessageId = ChatClient.newClientMessageId();
    Own own = new Own(clientMessageId, to, JsText.trim(text), Instant.now(), connected ? Status.PENDING : Status.QUEUED);
    ownByClientId.put(clientMessageId, own);
    if (io.canReplace()) {
      printOwn(own); // then marked in place as the answers come
    } else if (!connected) {
      print(line().append("not connected: the message is sent when the connection is back", WARN));
    }
    client.send(new ChatClient.Outgoing(to, text, null, clientMessageId)).whenComplete((m, error) -> {
      if (error != null && ClientException.of(error).kind() != ClientException.Kind.REFUSED) {
        own.status = Status.FAILED; // refusals come as message:error, shown there
        own.error = ClientException.of(error).getMessage();
        updateOwn(own, () -> ownLine(own));
      }
    });
  }

  // ------------------------------------------------------------------ events (client event loop)

  private void onEvent(ChatEvent event) {
    switch (event) {
      case ChatEvent.Received r -> received(r.message());
      case ChatEvent.Sent s -> sent(s.message());
      case ChatEvent.SendFailed f -> {
        Own own = f.error().clientMessageId() == null ? null : ownByClientId.get(f.error().clientMessageId());
        if (own != null) {
          own.status = Status.FAILED;
          own.error = f.error().code();
          updateOwn(own, () -> line().append("✗ not sent to " + own.to + ": \"" + snippet(own.content) + "\": "
              + f.error().code() + ": " + f.error().error(), ERROR).toAttributedString());
        } else {
          print(line().append("error " + f.error().code() + ": " + f.error().error(), ERROR));
        }
      }
      case ChatEvent.Delivered d -> receipts(d.receipt().messageIds(), Status.DELIVERED, "delivered to " + d.receipt().recipientId());
      case ChatEvent.Read r -> receipts(r.receipt().messageIds(), Status.READ, "read by " + r.receipt().readerId());
      case ChatEvent.UserOnline u -> {
        directory.online(u.userId());
        if (!u.userId().equals(me)) {
          print(line().append("● " + u.userId() + " is online", GOOD));
        }
      }
      case ChatEvent.UserOffline u -> {
        directory.offline(u.userId());
        if (!u.userId().equals(me)) {
          print(line().append("○ " + u.userId() + " went offline", WARN));
        }
      }
      case ChatEvent.OnlineUsers o -> directory.onlineNow(o.userIds());
      case ChatEvent.AuthExpired a -> print(line().append("your token expired (" + a.code() + "): the server ends the connection", ERROR));
      case ChatEvent.Connected c -> {
        connected = true;
        everConnected = true;
        io.setPrompt(prompt());
        if (c.reconnect()) {
          print(line().append("connected again", GOOD)
              .append(c.recovered() ? " (session recovered: what you missed follows)" : " (new session)", FAINT));
        }
        client.onlineUsers().thenAccept(directory::onlineNow);
      }
      case ChatEvent.Disconnected d -> {
        connected = false;
        io.setPrompt(prompt());
        if (d.willReconnect()) {
          print(line().append("connection lost (" + d.reason() + "); reconnecting…", WARN));
        } else if (!d.reason().equals("io client disconnect")) {
          print(line().append("disconnected by the server; /quit to leave", ERROR));
        }
      }
      case ChatEvent.Reconnecting r -> {
        if (r.attempt() > 1 && Integer.bitCount(r.attempt()) == 1) {
          print(line().append("still reconnecting (attempt " + r.attempt() + ", next in " + Durations.format(Duration.ofMillis(r.delay().toMillis() / 100 * 100)) + ")", FAINT));
        }
      }
      case ChatEvent.ConnectFailed f -> {
        if (!f.willRetry() && everConnected) { // a first connect that fails is the command's error
          ClientException e = f.error();
          print(line().append("cannot reconnect: " + (e.code() != null ? e.code() + ": " : "") + e.getMessage() + "; /quit to leave", ERROR));
        }
      }
      case ChatEvent.Other o -> {}
    }
  }

  private void received(Message m) {
    Own own = m.clientMessageId() == null ? null : ownByClientId.get(m.clientMessageId());
    if (own != null && m.senderId().equals(m.recipientId())) {
      if (m.senderId().equals(peer)) {
        reads.add(List.of(m.id())); // a note to myself, on screen as my own line
      }
      return;
    }
    directory.known(m.senderId());
    boolean current = m.senderId().equals(peer);
    AttributedStringBuilder b = new AttributedStringBuilder();
    b.append(when(m.createdAt(), false) + " ", FAINT);
    b.append(m.senderId(), current ? PEER : OTHER).append(": ").append(m.content());
    print(b.toAttributedString());
    if (current) {
      reads.add(List.of(m.id()));
    } else {
      synchronized (unreadBySender) {
        unreadBySender.computeIfAbsent(m.senderId(), k -> new ArrayList<>()).add(m.id());
      }
    }
  }

  private void sent(Message m) {
    Own own = m.clientMessageId() == null ? null : ownByClientId.get(m.clientMessageId());
    if (own == null) {
      return; // not sent from here
    }
    own.id = m.id();
    ownById.put(m.id(), own);
    if (own.status.ordinal() < Status.SENT.ordinal()) {
      own.status = Status.SENT;
    }
    updateOwn(own, () -> ownLine(own));
  }

  private void receipts(List<String> ids, Status status, String what) {
    List<Own> rest = new ArrayList<>();
    int unknown = 0;
    for (String id : ids) {
      Own own = ownById.get(id);
      if (own == null) {
        unknown++;
        continue;
      }
      if (own.status.ordinal() >= status.ordinal()) {
        continue;
      }
      own.status = status;
      synchronized (printLock) {
        if (own.clientMessageId.equals(lastOwn) && io.replaceLast(lastRows, ownLine(own))) {
          lastRows = rows(ownLine(own));
          continue;
        }
      }
      rest.add(own);
    }
    AttributedStyle style = status == Status.READ ? READ : FAINT;
    String mark = marks.of(status);
    if (rest.size() == 1 && unknown == 0) {
      print(line().append(mark + " " + what + ": \"" + snippet(rest.get(0).content) + "\"", style));
    } else if (rest.size() + unknown > 0) {
      int n = rest.size() + unknown;
      print(line().append(mark + " " + what + ": " + n + " message" + (n == 1 ? "" : "s"), style));
    }
  }

  // ------------------------------------------------------------------ output

  private void print(AttributedStringBuilder b) {
    print(b.toAttributedString());
  }

  private void print(AttributedString s) {
    synchronized (printLock) {
      io.print(s);
      lastOwn = null;
    }
  }

  private void printOwn(Own own) {
    AttributedString s = ownLine(own);
    synchronized (printLock) {
      io.print(s);
      lastOwn = own.clientMessageId;
      lastRows = rows(s);
    }
  }

  /** Shows an own message's new state: in place when it is the last line, else as {@code fallback}. */
  private void updateOwn(Own own, java.util.function.Supplier<AttributedString> fallback) {
    AttributedString s = ownLine(own);
    synchronized (printLock) {
      if (own.clientMessageId.equals(lastOwn) && io.replaceLast(lastRows, s)) {
        lastRows = rows(s);
        return;
      }
      AttributedString f = fallback.get();
      io.print(f);
      lastOwn = f == s || f.toString().equals(s.toString()) ? own.clientMessageId : null;
      lastRows = rows(f);
    }
  }

  private AttributedString ownLine(Own own) {
    AttributedStringBuilder b = new AttributedStringBuilder();
    b.append(TIME.format(own.at.atZone(zone)) + " ", FAINT);
    b.append("you", ME).append(" → " + own.to + ": ").append(own.content);
    marks.append(b, own.status, own.error);
    return b.toAttributedString();
  }

  private int rows(AttributedString s) {
    int width = io.width();
    return Math.max(1, (s.columnLength() + width - 1) / width);
  }

  private AttributedStringBuilder line() {
    return new AttributedStringBuilder().append(TIME.format(ZonedDateTime.now(zone)) + " ", FAINT);
  }

  String prompt() {
    AttributedStringBuilder b = new AttributedStringBuilder();
    b.append(me != null ? me : "you", ME);
    String p = peer;
    if (p != null) {
      b.append(" → ").append(p, PEER);
    }
    if (!connected) {
      b.append(" (offline)", WARN);
    }
    b.append("> ");
    return io.render(b.toAttributedString());
  }

  private String when(String iso, boolean withDay) {
    try {
      ZonedDateTime t = Instant.parse(iso).atZone(zone);
      return withDay && !t.toLocalDate().equals(LocalDate.now(zone)) ? DAY_TIME.format(t) : TIME.format(t);
    } catch (DateTimeParseException | NullPointerException e) {
      return TIME.format(ZonedDateTime.now(zone));
    }
  }

  static String snippet(String content) {
    String one = content.replaceAll("\\s+", " ");
    return one.length() <= 40 ? one : one.substring(0, 39) + "…";
  }

  // ------------------------------------------------------------------ leaving

  private void leave() {
    java.util.concurrent.CompletableFuture<Void> sent = client.whenSent();
    try {
      try {
        sent.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException slow) {
        int pending = client.pendingSends();
        print(line().append("sending " + pending + " message" + (pending == 1 ? "" : "s") + " not answered yet…", FAINT));
        sent.get(QUIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (TimeoutException | ExecutionException e) {
      int left = client.pendingSends();
      print(line().append(left + " message" + (left == 1 ? " was" : "s were") + " not sent", ERROR));
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

  private static <K, V> Map<K, V> bounded(int max) {
    return Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    });
  }

  /** The marks on my messages, in Unicode or plain ASCII. */
  static final class Marks {
    private final boolean unicode;

    Marks(boolean unicode) {
      this.unicode = unicode;
    }

    String of(Status s) {
      return switch (s) {
        case PENDING -> unicode ? "…" : "...";
        case QUEUED -> unicode ? "… queued" : "... queued";
        case SENT -> unicode ? "✓" : "[sent]";
        case DELIVERED -> unicode ? "✓✓" : "[delivered]";
        case READ -> unicode ? "✓✓ read" : "[read]";
        case FAILED -> unicode ? "✗" : "[failed]";
      };
    }

    void append(AttributedStringBuilder b, Status s, String error) {
      AttributedStyle style =
          switch (s) {
            case READ -> READ;
            case FAILED -> ERROR;
            case QUEUED -> WARN;
            default -> FAINT;
          };
      b.append(" ").append(of(s) + (s == Status.FAILED && error != null ? " " + error : ""), style);
    }
  }
}
