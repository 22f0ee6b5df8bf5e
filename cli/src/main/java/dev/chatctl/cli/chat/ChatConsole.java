package dev.chatctl.cli.chat;

// Over 350 lines since formatting at 100 columns: the console's wiring and event loop; commands,
// own-message tracking, screen and conversations are classes of their own.

import dev.chatctl.cli.chat.OwnMessages.Own;
import dev.chatctl.cli.chat.StatusLine.Link;
import dev.chatctl.cli.client.ChatClient;
import dev.chatctl.cli.client.ClientException;
import dev.chatctl.cli.client.ClientOptions;
import dev.chatctl.protocol.chat.JsText;
import dev.chatctl.util.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jline.reader.UserInterruptException;
import org.jline.utils.AttributedStringBuilder;

/**
 * One interactive chat session ({@code chatctl connect}): reads lines from a {@link ConsoleIO},
 * sends plain lines through a {@link ChatClient} to the user talked to, runs commands ({@link
 * ConsoleCommands}), and shows what arrives ({@link ConsoleEvents}) on the {@link Screen}, with a
 * status line of who I talk to, unread counts by person ({@link Conversations}) and the
 * connection's state, and the marks on my own messages ({@link OwnMessages}).
 *
 * <p>Messages of the conversation on screen are marked read (batched {@code message:read});
 * messages from others are marked read when {@code /to} switches to them. After the server ended
 * the connection (an expired token), {@code /reconnect} starts a new client with the same options
 * (a fresh token when the client mints its own).
 */
public final class ChatConsole implements AutoCloseable {
  private static final Duration QUIT_GRACE = Duration.ofSeconds(5);

  /**
   * @param allPresence show every user's coming and going (else only of people talked with)
   * @param mintsTokens the token source makes a fresh token at every call (--user), so an expired
   *     token is cured by {@code /reconnect}
   */
  public record Options(boolean allPresence, boolean mintsTokens) {
    public static final Options DEFAULT = new Options(false, false);
  }

  private final ConsoleIO io;
  private final ClientOptions clientOptions;
  private final Options options;
  private final Directory directory;
  private final String me;
  private final Screen screen;
  private final Conversations conversations;
  private final OwnMessages own = new OwnMessages();
  private final ConsoleCommands commands;
  private final ConsoleEvents events;
  private final ReadBatcher reads;
  private final Object clientLock = new Object();
  private volatile ChatClient client;
  private volatile int
      generation; // written under clientLock: events of replaced clients are ignored
  private volatile Link link = Link.CONNECTING;
  private volatile boolean everConnected;

  /**
   * @param me the user id the token names, for the prompt (null: "you")
   * @param peer who to talk to first (null: nobody until /to)
   */
  public ChatConsole(
      ConsoleIO io,
      ClientOptions clientOptions,
      Directory directory,
      String me,
      String peer,
      ZoneId zone) {
    this(io, clientOptions, directory, me, peer, zone, Options.DEFAULT);
  }

  public ChatConsole(
      ConsoleIO io,
      ClientOptions clientOptions,
      Directory directory,
      String me,
      String peer,
      ZoneId zone,
      Options options) {
    this.io = io;
    this.clientOptions = clientOptions;
    this.options = options;
    this.directory = directory;
    this.me = me;
    this.screen = new Screen(io, zone);
    this.conversations = new Conversations(peer, options.allPresence());
    this.commands = new ConsoleCommands(this, screen);
    this.events = new ConsoleEvents(this, screen, own, conversations, directory);
    this.client = newClient();
    this.reads = new ReadBatcher(this::client, Duration.ofMillis(250));
    io.onEmptyTab(() -> commands.run("/r"));
  }

  private ChatClient newClient() {
    synchronized (clientLock) {
      int mine = ++generation;
      return new ChatClient(
          clientOptions,
          event -> {
            if (mine == generation) {
              events.on(event);
            }
          });
    }
  }

  /** The client of the current connection (a new one after {@code /reconnect}). */
  public ChatClient client() {
    return client;
  }

  /**
   * Connects (the first time); throws the {@link ClientException} when the server cannot be joined.
   */
  public void connect(Duration timeout) throws InterruptedException {
    ChatClient c = client;
    try {
      c.connect().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw ClientException.of(e);
    } catch (TimeoutException e) {
      throw new ClientException(
          ClientException.Kind.TIMEOUT,
          "no answer from " + c.socket().websocketUri() + " within " + Durations.format(timeout));
    }
    screen.info(
        "connected to "
            + clientOptions.url()
            + " as "
            + (me != null ? me : "the token's user")
            + "; /help for commands");
    String peer = conversations.peer();
    if (peer != null) {
      screen.info("talking to " + peer);
    }
    CompletableFuture<Void> users = c.users(null, 100).thenAccept(directory::addAll);
    c.conversations()
        .thenAccept(
            list -> {
              conversations.known(list);
              commands.showUnread(list);
              refreshStatus();
            });
    try {
      users.get(2, TimeUnit.SECONDS); // so that Tab completes user ids from the first prompt
    } catch (ExecutionException | TimeoutException e) {
      // completion fills in as users come and go
    }
    refreshStatus();
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

  // ------------------------------------------------------------------ for the commands and events

  Directory directory() {
    return directory;
  }

  Conversations conversations() {
    return conversations;
  }

  String me() {
    return me;
  }

  String peer() {
    return conversations.peer();
  }

  ReadBatcher reads() {
    return reads;
  }

  boolean mintsTokens() {
    return options.mintsTokens();
  }

  boolean everConnected() {
    return everConnected;
  }

  boolean expired() {
    Link l = link;
    return l == Link.EXPIRED || l == Link.EXPIRED_FINAL;
  }

  Link link() {
    return link;
  }

  /** Connected (again). */
  void connected() {
    everConnected = true;
    link(Link.CONNECTED);
  }

  /** The connection's state changed: the prompt and the status line say so. */
  void link(Link now) {
    link = now;
    io.setPrompt(prompt());
    refreshStatus();
  }

  /** Talks to {@code user} from now on; returns their unread messages (now cleared). */
  Conversations.Unread talkTo(String user) {
    Conversations.Unread unread = conversations.talkTo(user);
    if (!unread.ids().isEmpty()) {
      reads.add(unread.ids()); // they were on screen
    }
    io.setPrompt(prompt());
    refreshStatus();
    return unread;
  }

  /** Redraws the status line from the state now. */
  void refreshStatus() {
    if (io.hasStatus()) {
      String peer = conversations.peer();
      screen.status(
          StatusLine.render(
              me,
              peer,
              peer != null && directory.isOnline(peer),
              conversations.unreadCounts(),
              link));
    }
  }

  /**
   * Starts over with a new client of the same options (a fresh token when they mint one): after the
   * server ended the connection, or the client gave up reconnecting. Sends not answered by the old
   * client were failed with it.
   */
  void reconnect() {
    ChatClient old;
    synchronized (clientLock) {
      old = client;
      client = newClient();
    }
    link(Link.CONNECTING);
    old.close();
    client.connect(); // the outcome arrives as an event: Connected, or ConnectFailed
  }

  /** Sends a message to the user talked to. */
  void send(String text) {
    String to = conversations.peer();
    if (to == null) {
      String last = conversations.lastSender();
      screen.error(
          "no one to send to: /to USER first"
              + (last != null ? ", or /r (Tab) to answer " + last : ""));
      return;
    }
    String clientMessageId = ChatClient.newClientMessageId();
    boolean up = link == Link.CONNECTED;
    Own mine = own.add(clientMessageId, to, JsText.trim(text), Instant.now(), up);
    conversations.sent(to);
    if (io.canReplace()) {
      screen.printOwn(mine); // then marked in place as the answers come
    } else if (!up) {
      screen.warn("not connected: the message is sent when the connection is back");
    }
    client
        .send(new ChatClient.Outgoing(to, text, null, clientMessageId))
        .whenComplete(
            (m, error) -> {
              if (error != null
                  && ClientException.of(error).kind() != ClientException.Kind.REFUSED) {
                String why =
                    ClientException.of(error).getMessage(); // refusals come as message:error
                own.failed(clientMessageId, why);
                screen.notSent(mine, why);
              }
            });
  }

  String prompt() {
    AttributedStringBuilder b = new AttributedStringBuilder();
    b.append(me != null ? me : "you", Screen.ME);
    String p = conversations.peer();
    if (p != null) {
      b.append(" → ").append(p, Screen.PEER);
    }
    if (link != Link.CONNECTED) {
      b.append(expired() ? " (token expired)" : " (offline)", Screen.WARN);
    }
    b.append("> ");
    return io.render(b.toAttributedString());
  }

  // ------------------------------------------------------------------ leaving

  private void leave() {
    ChatClient c = client;
    CompletableFuture<Void> sent = c.whenSent();
    try {
      try {
        sent.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException slow) {
        int pending = c.pendingSends();
        screen.info(
            "sending " + pending + " message" + (pending == 1 ? "" : "s") + " not answered yet…");
        sent.get(QUIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (TimeoutException | ExecutionException e) {
      int left = c.pendingSends();
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
