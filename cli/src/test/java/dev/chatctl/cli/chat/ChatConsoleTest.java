package dev.chatctl.cli.chat;

import static dev.chatctl.cli.chat.Keyboard.ENTER;
import static dev.chatctl.cli.chat.Keyboard.TAB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.cli.client.Backoff;
import dev.chatctl.cli.client.ChatClient;
import dev.chatctl.cli.client.ChatEvent;
import dev.chatctl.cli.client.ClientOptions;
import dev.chatctl.cli.client.Recorder;
import dev.chatctl.protocol.auth.TokenMinter;
import dev.chatctl.protocol.chat.DirectoryEntry;
import dev.chatctl.protocol.chat.Message;
import dev.chatctl.server.testing.TcpProxy;
import dev.chatctl.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jline.reader.Candidate;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chatctl connect} driven as a person drives it: keys typed into a JLine terminal (xterm, on
 * in-memory streams), the screen read back.
 */
class ChatConsoleTest {
  private static final AtomicInteger USERS = new AtomicInteger();

  @TempDir static Path dir;
  static TestServer server;

  @TempDir Path home;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = TestServer.h2(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
  }

  static String user(String name) {
    return name + "-c" + USERS.incrementAndGet();
  }

  ChatClient peer(String userId, Recorder events) throws Exception {
    ChatClient client =
        new ChatClient(ClientOptions.of(server.url(), server.token(userId)), events);
    closeables.add(client);
    client.connect().get(10, TimeUnit.SECONDS);
    return client;
  }

  static ClientOptions options(String url, String token) {
    return ClientOptions.of(url, token)
        .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), 0.5))
        .withConnectTimeout(Duration.ofSeconds(10));
  }

  /** A console on a terminal of the given type; its run() in the background. */
  final class Session {
    final Keyboard keys = new Keyboard();
    final TerminalOutput screen = new TerminalOutput();
    final ChatConsole console;
    final CompletableFuture<Integer> exit;
    final Directory directory = new Directory();

    Session(String me, String url, String type, String peer) throws Exception {
      this(
          me,
          options(url, server.token(me)).withConnectTimeout(Duration.ofSeconds(3)),
          type,
          peer,
          new Size(120, 40),
          ChatConsole.Options.DEFAULT);
    }

    Session(
        String me,
        ClientOptions options,
        String type,
        String peer,
        Size size,
        ChatConsole.Options consoleOptions)
        throws Exception {
      Terminal terminal =
          TerminalBuilder.builder()
              .system(false)
              .streams(keys, screen)
              .type(type)
              .size(size)
              .encoding(StandardCharsets.UTF_8)
              .build();
      terminal.setSize(size); // JLine opens every pty after the first with columns and rows swapped
      JLineIO io =
          new JLineIO(terminal, new ChatCompleter(directory), home.resolve("history"), true);
      console = new ChatConsole(io, options, directory, me, peer, ZoneId.of("UTC"), consoleOptions);
      closeables.add(console);
      console.connect(Duration.ofSeconds(10));
      exit =
          CompletableFuture.supplyAsync(console::run, r -> Thread.ofPlatform().daemon().start(r));
    }

    void type(String text) {
      keys.type(text);
    }

    int quit() throws Exception {
      keys.type("/quit" + ENTER);
      return exit.get(15, TimeUnit.SECONDS);
    }
  }

  @Test
  void typesAMessageReceivesOneWhileTypingCompletesAUserIdAndQuits() throws Exception {
    String alice = user("alice");
    String bob = user("tabby");
    Recorder bobEvents = new Recorder(bob);
    ChatClient b = peer(bob, bobEvents);
    Session s = new Session(alice, server.url(), "xterm", null);
    s.screen.await("the prompt", plain -> plain.contains(alice + "> "));
    assertTrue(s.directory.contains(bob), "connect() returns with the directory loaded");

    // Tab completes the user id (the only tabby)
    s.type("/to " + bob.substring(0, 3) + TAB);
    s.screen.await("the completed id", plain -> plain.contains("/to " + bob));
    s.type(ENTER);
    s.screen.await("the new peer", plain -> plain.contains("talking to " + bob + " (online)"));
    s.screen.await("the new prompt", plain -> plain.contains(alice + " → " + bob + "> "));

    // a plain line is a message to bob, marked sent then delivered
    s.type("hello bob" + ENTER);
    Message hello =
        bobEvents
            .await(ChatEvent.Received.class, r -> r.message().content().equals("hello bob"))
            .message();
    assertEquals(alice, hello.senderId());
    s.screen.await(
        "the delivered mark", plain -> plain.contains("you → " + bob + ": hello bob ✓✓"));

    // a message arrives while a line is being typed: printed above, the line kept
    s.type("still typ");
    s.screen.await("the typed text", plain -> plain.endsWith("still typ"));
    int before = s.screen.length();
    b.send(alice, "hi alice").get(10, TimeUnit.SECONDS);
    String shown = s.screen.awaitAfter(before, bob + ": hi alice");
    String after =
        s.screen.await(
            "the line redrawn",
            plain -> plain.lastIndexOf("still typ") > plain.lastIndexOf("hi alice"));
    assertTrue(
        after
            .substring(after.lastIndexOf(bob + ": hi alice"))
            .contains(alice + " → " + bob + "> still typ"),
        after);
    s.type("ing" + ENTER);
    bobEvents.await(ChatEvent.Received.class, r -> r.message().content().equals("still typing"));

    // what was on screen is marked read, in a batch
    ChatEvent.Read read = bobEvents.await(ChatEvent.Read.class);
    assertEquals(alice, read.receipt().readerId());
    assertEquals(1, read.receipt().messageIds().size());

    // history of the conversation
    int mark = s.screen.length();
    s.type("/history" + ENTER);
    s.screen.awaitAfter(mark, "-- 3 messages with " + bob + " --");
    s.screen.awaitAfter(mark, "you → " + bob + ": still typing");

    assertEquals(0, s.quit());
    assertTrue(
        Files.readString(home.resolve("history")).contains("hello bob"),
        "history kept in its file");
    assertTrue(s.screen.raw().contains("\u001B["), "colours on an xterm");
    assertFalse(shown.contains("Exception"), shown);
  }

  @Test
  void presenceOfPeopleTalkedWithErrorsAndCommands() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    String bot = user("ci-bot");
    Session s = new Session(alice, server.url(), "xterm", "nobody-" + alice);
    s.screen.await("the prompt", plain -> plain.contains(alice + " → nobody-" + alice + "> "));
    s.type("hello?" + ENTER);
    s.screen.await("the error code", plain -> plain.contains("RECIPIENT_NOT_FOUND"));
    s.type("/to " + bob + ENTER);
    s.screen.await(
        "the new peer",
        plain -> plain.contains("talking to " + bob + " (not in the directory yet"));

    ChatClient b = peer(bob, new Recorder(bob));
    s.screen.await("bob coming", plain -> plain.contains("● " + bob + " is online"));
    peer(bot, new Recorder(bot)); // somebody alice never talked with

    int mark = s.screen.length();
    s.type("/online" + ENTER);
    s.screen.await(
        "the online list",
        plain -> plain.indexOf("online: ", mark) >= 0 && plain.substring(mark).contains(bob));
    s.type("/users " + bob + ENTER);
    s.screen.awaitAfter(mark, "● " + bob);
    s.type("/help" + ENTER);
    s.screen.awaitAfter(mark, "/history [N]");
    s.type("/nonsense" + ENTER);
    s.screen.awaitAfter(mark, "unknown command /nonsense");

    b.close();
    String shown =
        s.screen.await("bob going", plain -> plain.contains("○ " + bob + " went offline"));
    assertFalse(
        shown.contains(bot + " is online"),
        "no presence lines of people never talked with:\n" + shown);
    assertTrue(shown.contains("/r [TEXT]"), "/help lists /r:\n" + shown);
    s.keys.hangUp(); // Ctrl-D at the end of input leaves too
    assertEquals(0, s.exit.get(15, TimeUnit.SECONDS));
  }

  @Test
  void saysWhenTheConnectionDropsAndSendsWhatWasTypedMeanwhileOnce() throws Exception {
    try (TcpProxy proxy = new TcpProxy(server.port())) {
      String alice = user("alice");
      String bob = user("bob");
      Recorder bobEvents = new Recorder(bob);
      peer(bob, bobEvents);
      Session s = new Session(alice, proxy.url(), "xterm", bob);
      s.screen.await("the prompt", plain -> plain.contains(alice + " → " + bob + "> "));

      proxy.dropAll(true);
      proxy.cut();
      s.screen.await(
          "the drop",
          plain -> plain.contains("connection lost (") && plain.contains("); reconnecting…"));
      s.screen.await(
          "the offline prompt", plain -> plain.contains(alice + " → " + bob + " (offline)> "));
      s.type("typed while offline" + ENTER);
      s.screen.await("the queued mark", plain -> plain.contains("typed while offline … queued"));

      proxy.dropAll(false);
      s.screen.await("the return", plain -> plain.contains("connected again"));
      bobEvents.await(
          ChatEvent.Received.class, r -> r.message().content().equals("typed while offline"));
      s.screen.await("the sent mark", plain -> plain.contains("typed while offline ✓"));
      s.type("marker" + ENTER);
      assertEquals(List.of("typed while offline", "marker"), bobEvents.awaitReceived("marker"));
      assertEquals(0, s.quit());
    }
  }

  @Test
  void aDumbTerminalGetsNoEscapeCodes() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    Recorder bobEvents = new Recorder(bob);
    ChatClient b = peer(bob, bobEvents);
    Session s = new Session(alice, server.url(), "dumb", bob);
    s.screen.await("the prompt", plain -> plain.contains(alice + " → " + bob + "> "));
    s.type("plain and simple" + ENTER);
    bobEvents.await(ChatEvent.Received.class);
    s.screen.await(
        "the sent line", plain -> plain.contains("you → " + bob + ": plain and simple ✓"));
    b.send(alice, "answer").get(10, TimeUnit.SECONDS);
    s.screen.await("the answer", plain -> plain.contains(bob + ": answer"));
    assertEquals(0, s.quit());
    assertFalse(
        s.screen.raw().contains("\u001B"),
        "no escape codes on a dumb terminal:\n" + s.screen.raw());
  }

  @Test
  void inputFromAPipeSendsAndLeavesAtItsEnd() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    Recorder bobEvents = new Recorder(bob);
    peer(bob, bobEvents);
    String input = "/to " + bob + "\nfrom a pipe\n//slash text\n";
    TerminalOutput out = new TerminalOutput();
    PlainIO io =
        new PlainIO(
            new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
            out,
            StandardCharsets.UTF_8);
    try (ChatConsole console =
        new ChatConsole(
            io,
            ClientOptions.of(server.url(), server.token(alice)),
            new Directory(),
            alice,
            null,
            ZoneId.of("UTC"))) {
      console.connect(Duration.ofSeconds(10));
      assertEquals(0, console.run()); // the end of the input leaves, once the sends are answered
    }
    assertEquals(List.of("from a pipe", "/slash text"), bobEvents.awaitReceived("/slash text"));
    String text = out.raw();
    assertTrue(text.contains("you → " + bob + ": from a pipe ✓"), text);
    assertFalse(text.contains("\u001B"), "no escape codes into a pipe:\n" + text);
    assertFalse(text.contains(alice + "> "), "no prompt into a pipe:\n" + text);
  }

  @Test
  void tabOnAnEmptyLineAndSlashRAnswerWhoeverWroteLast() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    String carol = user("carol");
    Recorder aliceEvents = new Recorder(alice);
    Recorder carolEvents = new Recorder(carol);
    ChatClient a = peer(alice, aliceEvents);
    ChatClient c = peer(carol, carolEvents);
    Session s = new Session(bob, server.url(), "xterm", null);
    s.screen.await("the prompt", plain -> plain.contains(bob + "> "));

    a.send(bob, "lunch at noon?").get(10, TimeUnit.SECONDS);
    s.screen.await("alice's question", plain -> plain.contains(alice + ": lunch at noon?"));
    s.type("sure" + ENTER);
    s.screen.await(
        "the hint",
        plain ->
            plain.contains("no one to send to: /to USER first, or /r (Tab) to answer " + alice));
    s.type(TAB);
    s.screen.await("the reply prompt", plain -> plain.contains(bob + " → " + alice + "> "));
    s.type("sure, see you there" + ENTER);
    aliceEvents.await(
        ChatEvent.Received.class, r -> r.message().content().equals("sure, see you there"));

    c.send(bob, "ping").get(10, TimeUnit.SECONDS);
    s.screen.await("carol's ping", plain -> plain.contains(carol + ": ping"));
    s.type("/r pong" + ENTER);
    assertEquals(
        bob,
        carolEvents
            .await(ChatEvent.Received.class, r -> r.message().content().equals("pong"))
            .message()
            .senderId());
    s.screen.await("the prompt to carol", plain -> plain.contains(bob + " → " + carol + "> "));
    assertEquals(0, s.quit());
  }

  @Test
  void toShowsAndClearsWhatThatPersonWroteUnread() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    String carol = user("carol");
    Recorder carolEvents = new Recorder(carol);
    peer(alice, new Recorder(alice));
    ChatClient c = peer(carol, carolEvents);
    Session s = new Session(bob, server.url(), "xterm", alice);
    s.screen.await("the prompt", plain -> plain.contains(bob + " → " + alice + "> "));
    Message first = c.send(bob, "are you there?").get(10, TimeUnit.SECONDS);
    Message second = c.send(bob, "it's about the release").get(10, TimeUnit.SECONDS);
    s.screen.await("carol's messages", plain -> plain.contains(carol + ": it's about the release"));

    int mark = s.screen.length();
    s.type("/to " + carol + ENTER);
    String shown = s.screen.awaitAfter(mark, "-- 2 unread from " + carol + " --");
    s.screen.await(
        "both again",
        plain ->
            plain.indexOf(carol + ": it's about the release", plain.indexOf("-- 2 unread from"))
                > 0);
    List<String> read = new ArrayList<>();
    while (!read.containsAll(List.of(first.id(), second.id()))) {
      read.addAll(
          carolEvents
              .await(ChatEvent.Read.class, r -> !read.containsAll(r.receipt().messageIds()))
              .receipt()
              .messageIds());
    }
    assertTrue(shown.substring(mark).contains("talking to " + carol + " (online)"), shown);

    mark = s.screen.length();
    s.type("/to " + alice + ENTER);
    s.type("/to " + carol + ENTER);
    s.screen.awaitAfter(mark, "talking to " + carol);
    s.type("/history 1" + ENTER);
    String after = s.screen.awaitAfter(mark, "-- 1 message with " + carol);
    assertFalse(
        after.substring(mark).contains("unread from"),
        "nothing unread the second time:\n" + after.substring(mark));
    assertEquals(0, s.quit());
  }

  @Test
  void aRefusedMessageSaysWhyAndAReadReceiptSaysReadOnce() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    Recorder bobEvents = new Recorder(bob);
    ChatClient b = peer(bob, bobEvents);
    Session s = new Session(alice, server.url(), "xterm", bob);
    s.screen.await("the prompt", plain -> plain.contains(alice + " → " + bob + "> "));
    s.console.handle(
        "x"
            .repeat(
                4001)); // as if pasted: typing 4001 keys into JLine takes long on a loaded machine
    s.screen.await(
        "the reason",
        plain ->
            flat(plain).contains("✗ not sent to " + bob + ": \"xxx")
                && flat(plain).contains("\": too long: 4001 characters, the limit is 4000"));

    s.type("read me" + ENTER);
    Message m =
        bobEvents
            .await(ChatEvent.Received.class, r -> r.message().content().equals("read me"))
            .message();
    s.screen.await("delivered", plain -> plain.contains("read me ✓✓"));
    s.type("/online" + ENTER); // a line after it: the receipt gets a line of its own
    s.screen.await("the online list", plain -> plain.contains("online: "));
    b.markRead(List.of(m.id())).get(10, TimeUnit.SECONDS);
    String shown =
        s.screen.await(
            "the read line", plain -> plain.contains("✓✓ read by " + bob + ": \"read me\""));
    assertFalse(shown.contains("read read"), shown);
    assertEquals(0, s.quit());
  }

  @Test
  void aMessageTallerThanTheScreenIsShownOnce() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    Recorder bobEvents = new Recorder(bob);
    peer(bob, bobEvents);
    Session s =
        new Session(
            alice,
            options(server.url(), server.token(alice)),
            "xterm",
            bob,
            new Size(60, 12),
            ChatConsole.Options.DEFAULT);
    s.screen.await("the prompt", plain -> plain.contains(alice + " → " + bob + "> "));
    StringBuilder tall = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      tall.append(i == 0 ? "" : " ").append(String.format("w%03d", i));
    }
    s.type(tall + ENTER);
    bobEvents.await(ChatEvent.Received.class, r -> r.message().content().equals(tall.toString()));
    String shown =
        flat(
            s.screen.await(
                "the delivered line",
                plain -> flat(plain).contains("✓✓ delivered to " + bob + ": \"w000 w001")));
    assertEquals(
        1,
        count(shown, "you → " + bob + ": w000"),
        "the tall message once, its marks on lines of their own:\n" + shown);
    assertTrue(shown.contains("✓ stored: \"w000 w001"), shown);
    assertEquals(0, s.quit());
  }

  @Test
  void anExpiredTokenSaysSoAndReconnectMintsAFreshOne() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    Recorder bobEvents = new Recorder(bob);
    peer(bob, bobEvents);
    TokenMinter issuer = new TokenMinter(TestServer.SECRET);
    AtomicInteger minted = new AtomicInteger();
    // the first token expires 3 s after it is made (the server ends the connection then); then
    // fresh ones
    ClientOptions options =
        options(server.url(), null)
            .withToken(
                () ->
                    issuer.issue(
                        alice,
                        null,
                        null,
                        null,
                        minted.getAndIncrement() == 0
                            ? Duration.ofSeconds(3)
                            : Duration.ofHours(1)));
    Session s =
        new Session(
            alice, options, "xterm", bob, new Size(120, 40), new ChatConsole.Options(false, true));
    s.screen.await(
        "the expiry",
        plain -> plain.contains("your token expired: /reconnect connects with a fresh one"));
    s.screen.await(
        "the prompt", plain -> plain.contains(alice + " → " + bob + " (token expired)> "));
    s.type("/reconnect" + ENTER);
    s.screen.await(
        "the return", plain -> plain.contains("connected again (new session, fresh token)"));
    s.type("back again" + ENTER);
    bobEvents.await(ChatEvent.Received.class, r -> r.message().content().equals("back again"));
    s.screen.await("the sent mark", plain -> plain.contains("back again ✓"));
    assertEquals(0, s.quit());
  }

  @Test
  void aClientThatCannotMintSaysHowToGetAFreshToken() throws Exception {
    String alice = user("alice");
    String expiring =
        new TokenMinter(TestServer.SECRET).issue(alice, null, null, null, Duration.ofSeconds(3));
    Session s =
        new Session(
            alice,
            options(server.url(), expiring),
            "xterm",
            null,
            new Size(120, 40),
            ChatConsole.Options.DEFAULT);
    s.screen.await(
        "the expiry",
        plain -> plain.contains("your token expired, and this client cannot make a fresh one"));
    s.type("/reconnect" + ENTER);
    s.screen.await(
        "the advice", plain -> plain.contains("start again with a new --token, or with --user ID"));
    assertEquals(0, s.quit());
  }

  @Test
  void everybodysPresenceWhenAskedFor() throws Exception {
    String alice = user("alice");
    String bot = user("ci-bot");
    Session s =
        new Session(
            alice,
            options(server.url(), server.token(alice)),
            "xterm",
            null,
            new Size(120, 40),
            new ChatConsole.Options(true, false));
    s.screen.await("the prompt", plain -> plain.contains(alice + "> "));
    peer(bot, new Recorder(bot));
    s.screen.await("the bot coming", plain -> plain.contains("● " + bot + " is online"));
    assertEquals(0, s.quit());
  }

  /** The text with every run of white space as one space: wrapped rows read as one line. */
  static String flat(String text) {
    return text.replaceAll("\\s+", " ");
  }

  static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void completionListsOnlineUsersFirst() {
    Directory directory = new Directory();
    directory.addAll(
        List.of(
            new DirectoryEntry("bea", "Bea", null, false),
            new DirectoryEntry("bob", "Bob", null, true),
            new DirectoryEntry("abe", null, null, false)));
    directory.online("zed");
    List<Candidate> candidates = new ArrayList<>();
    new ChatCompleter(directory).userIds(candidates);
    List<String> ordered = candidates.stream().sorted().map(Candidate::value).toList();
    assertEquals(List.of("bob", "zed", "abe", "bea"), ordered);
    assertEquals(List.of("bob", "zed", "abe", "bea"), directory.ids());
    assertEquals(
        "online",
        candidates.stream().filter(c -> c.value().equals("bob")).findFirst().orElseThrow().group());
  }
}
