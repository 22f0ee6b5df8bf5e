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
 * {@code chatctl connect} driven as a person drives it: keys typed into a JLine terminal (xterm,
 * on in-memory streams), the screen read back.
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
    ChatClient client = new ChatClient(ClientOptions.of(server.url(), server.token(userId)), events);
    closeables.add(client);
    client.connect().get(10, TimeUnit.SECONDS);
    return client;
  }

  /** A console on a terminal of the given type; its run() in the background. */
  final class Session {
    final Keyboard keys = new Keyboard();
    final TerminalOutput screen = new TerminalOutput();
    final ChatConsole console;
    final CompletableFuture<Integer> exit;
    final Directory directory = new Directory();

    Session(String me, String url, String type, String peer) throws Exception {
      Terminal terminal =
          TerminalBuilder.builder().system(false).streams(keys, screen).type(type).size(new Size(120, 40))
              .encoding(StandardCharsets.UTF_8).build();
      JLineIO io = new JLineIO(terminal, new ChatCompleter(directory), home.resolve("history"), true);
      ClientOptions options =
          ClientOptions.of(url, server.token(me)).withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), 0.5))
              .withConnectTimeout(Duration.ofMillis(700));
      console = new ChatConsole(io, options, directory, me, peer, ZoneId.of("UTC"));
      closeables.add(console);
      console.connect(Duration.ofSeconds(10));
      exit = CompletableFuture.supplyAsync(console::run, r -> Thread.ofPlatform().daemon().start(r));
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
    String bob = user("bob");
    Recorder bobEvents = new Recorder(bob);
    ChatClient b = peer(bob, bobEvents);
    Session s = new Session(alice, server.url(), "xterm", null);
    s.screen.await("the prompt", plain -> plain.contains(alice + "> "));
    assertTrue(s.directory.contains(bob), "connect() returns with the directory loaded");

    // Tab completes the user id
    s.type("/to " + bob.substring(0, 3) + TAB);
    s.screen.await("the completed id", plain -> plain.contains("/to " + bob));
    s.type(ENTER);
    s.screen.await("the new peer", plain -> plain.contains("talking to " + bob + " (online)"));
    s.screen.await("the new prompt", plain -> plain.contains(alice + " → " + bob + "> "));

    // a plain line is a message to bob, marked sent then delivered
    s.type("hello bob" + ENTER);
    Message hello = bobEvents.await(ChatEvent.Received.class, r -> r.message().content().equals("hello bob")).message();
    assertEquals(alice, hello.senderId());
    s.screen.await("the delivered mark", plain -> plain.contains("you → " + bob + ": hello bob ✓✓"));

    // a message arrives while a line is being typed: printed above, the line kept
    s.type("still typ");
    s.screen.await("the typed text", plain -> plain.endsWith("still typ"));
    int before = s.screen.length();
    b.send(alice, "hi alice").get(10, TimeUnit.SECONDS);
    String shown = s.screen.awaitAfter(before, bob + ": hi alice");
    String after = s.screen.await("the line redrawn", plain -> plain.lastIndexOf("still typ") > plain.lastIndexOf("hi alice"));
    assertTrue(after.substring(after.lastIndexOf(bob + ": hi alice")).contains(alice + " → " + bob + "> still typ"), after);
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
    assertTrue(Files.readString(home.resolve("history")).contains("hello bob"), "history kept in its file");
    assertTrue(s.screen.raw().contains("\u001B["), "colours on an xterm");
    assertFalse(shown.contains("Exception"), shown);
  }

  @Test
  void presenceErrorsAndCommands() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    Session s = new Session(alice, server.url(), "xterm", "nobody-" + alice);
    s.screen.await("the prompt", plain -> plain.contains(alice + " → nobody-" + alice + "> "));

    ChatClient b = peer(bob, new Recorder(bob));
    s.screen.await("bob coming", plain -> plain.contains("● " + bob + " is online"));
    s.type("hello?" + ENTER);
    s.screen.await("the error code", plain -> plain.contains("RECIPIENT_NOT_FOUND"));

    int mark = s.screen.length();
    s.type("/online" + ENTER);
    s.screen.await("the online list", plain -> plain.indexOf("online: ", mark) >= 0 && plain.substring(mark).contains(bob));
    s.type("/users " + bob + ENTER);
    s.screen.awaitAfter(mark, "● " + bob);
    s.type("/help" + ENTER);
    s.screen.awaitAfter(mark, "/history [N]");
    s.type("/nonsense" + ENTER);
    s.screen.awaitAfter(mark, "unknown command /nonsense");

    b.close();
    s.screen.await("bob going", plain -> plain.contains("○ " + bob + " went offline"));
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
      s.screen.await("the drop", plain -> plain.contains("connection lost (") && plain.contains("); reconnecting…"));
      s.screen.await("the offline prompt", plain -> plain.contains(alice + " → " + bob + " (offline)> "));
      s.type("typed while offline" + ENTER);
      s.screen.await("the queued mark", plain -> plain.contains("typed while offline … queued"));

      proxy.dropAll(false);
      s.screen.await("the return", plain -> plain.contains("connected again"));
      bobEvents.await(ChatEvent.Received.class, r -> r.message().content().equals("typed while offline"));
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
    s.screen.await("the sent line", plain -> plain.contains("you → " + bob + ": plain and simple ✓"));
    b.send(alice, "answer").get(10, TimeUnit.SECONDS);
    s.screen.await("the answer", plain -> plain.contains(bob + ": answer"));
    assertEquals(0, s.quit());
    assertFalse(s.screen.raw().contains("\u001B"), "no escape codes on a dumb terminal:\n" + s.screen.raw());
  }

  @Test
  void inputFromAPipeSendsAndLeavesAtItsEnd() throws Exception {
    String alice = user("alice");
    String bob = user("bob");
    Recorder bobEvents = new Recorder(bob);
    peer(bob, bobEvents);
    String input = "/to " + bob + "\nfrom a pipe\n//slash text\n";
    TerminalOutput out = new TerminalOutput();
    PlainIO io = new PlainIO(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, StandardCharsets.UTF_8);
    try (ChatConsole console = new ChatConsole(io, ClientOptions.of(server.url(), server.token(alice)), new Directory(), alice, null, ZoneId.of("UTC"))) {
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
  void completionListsOnlineUsersFirst() {
    Directory directory = new Directory();
    directory.addAll(List.of(
        new DirectoryEntry("bea", "Bea", null, false),
        new DirectoryEntry("bob", "Bob", null, true),
        new DirectoryEntry("abe", null, null, false)));
    directory.online("zed");
    List<Candidate> candidates = new ArrayList<>();
    new ChatCompleter(directory).userIds(candidates);
    List<String> ordered = candidates.stream().sorted().map(Candidate::value).toList();
    assertEquals(List.of("bob", "zed", "abe", "bea"), ordered);
    assertEquals(List.of("bob", "zed", "abe", "bea"), directory.ids());
    assertEquals("online", candidates.stream().filter(c -> c.value().equals("bob")).findFirst().orElseThrow().group());
  }
}
