package dev.chatctl.cli.chat;

import dev.chatctl.cli.chat.OwnMessages.Status;
import dev.chatctl.cli.chat.StatusLine.Link;
import dev.chatctl.cli.client.ClientException;
import dev.chatctl.protocol.chat.Answers;
import dev.chatctl.protocol.chat.DirectoryEntry;
import dev.chatctl.protocol.chat.StoredMessageView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** The console's slash commands: what {@code /help} lists and Tab completes, and what each does. */
final class ConsoleCommands {

  /** A console command, for /help and Tab completion. */
  record Command(String name, String args, String help) {
    String usage() {
      return name + (args.isEmpty() ? "" : " " + args);
    }
  }

  static final List<Command> COMMANDS =
      List.of(
          new Command(
              "/to",
              "USER",
              "talk to USER, and see what they wrote you unread (Tab completes ids)"),
          new Command("/r", "[TEXT]", "reply to whoever wrote last (Tab on an empty line too)"),
          new Command("/online", "", "who is online"),
          new Command("/users", "[QUERY]", "the directory, with unread counts"),
          new Command("/history", "[N]", "the last N messages with the current user (default 20)"),
          new Command(
              "/reconnect", "", "connect again (with a fresh token when this client can make one)"),
          new Command("/help", "", "this help"),
          new Command("/quit", "", "leave (Ctrl-D too)"));

  static final int DEFAULT_HISTORY = 20;

  private final ChatConsole console;
  private final Screen screen;

  ConsoleCommands(ChatConsole console, Screen screen) {
    this.console = console;
    this.screen = screen;
  }

  /** Runs a typed command ({@code /name args}); false when it asks to leave. */
  boolean run(String line) {
    String[] words = line.split("\\s+", 2);
    String arg = words.length > 1 ? words[1].trim() : "";
    switch (words[0]) {
      case "/quit", "/exit" -> {
        return false;
      }
      case "/help" -> help();
      case "/to" -> to(arg);
      case "/r" -> reply(arg);
      case "/online" -> online();
      case "/users" -> users(arg);
      case "/history" -> history(arg);
      case "/reconnect" -> reconnect();
      default -> screen.error("unknown command " + words[0] + "; /help lists them");
    }
    return true;
  }

  /** The commands in two aligned columns. */
  static List<AttributedString> helpLines() {
    int width = COMMANDS.stream().mapToInt(c -> c.usage().length()).max().orElse(0);
    List<AttributedString> lines = new ArrayList<>();
    for (Command c : COMMANDS) {
      lines.add(
          new AttributedStringBuilder()
              .append("  " + c.usage(), AttributedStyle.BOLD)
              .append(" ".repeat(width - c.usage().length() + 2) + c.help())
              .toAttributedString());
    }
    return lines;
  }

  private void help() {
    screen.info("commands:");
    int indent = COMMANDS.stream().mapToInt(c -> c.usage().length()).max().orElse(0) + 4;
    helpLines().forEach(line -> screen.print(line, indent));
    screen.info("a plain line is a message to the current user; //text sends \"/text\"");
  }

  private void to(String user) {
    String peer = console.peer();
    if (user.isEmpty()) {
      screen.info(peer == null ? "talking to nobody: /to USER" : "talking to " + peer);
      return;
    }
    if (user.contains(" ") || user.length() > 191) {
      screen.error("/to takes one user id");
      return;
    }
    talkTo(user);
  }

  private void reply(String text) {
    String last = console.conversations().lastSender();
    if (last == null) {
      screen.error("nobody has written to you yet: /to USER");
      return;
    }
    if (!last.equals(console.peer())) {
      talkTo(last);
    }
    if (!text.isEmpty()) {
      console.send(text);
    }
  }

  /** Switches to {@code user}: says whether they are online, shows what they wrote me unread. */
  private void talkTo(String user) {
    Directory directory = console.directory();
    String state =
        !directory.contains(user)
            ? " (not in the directory yet: messages to unknown users are refused)"
            : directory.isOnline(user) ? " (online)" : " (offline: messages wait for them)";
    screen.info("talking to " + user + state);
    Conversations.Unread unread = console.talkTo(user);
    if (unread.count() > 0) {
      console
          .client()
          .history(user, null, Math.min(100, unread.count() + 20))
          .whenComplete(
              (page, error) -> {
                if (error != null) {
                  failed("unread messages of " + user, error);
                } else {
                  showUnreadFrom(user, page, unread.count());
                }
              });
    }
  }

  private void showUnreadFrom(String user, Answers.History page, int count) {
    List<StoredMessageView> theirs =
        page.messages().stream()
            .filter(m -> m.senderId().equals(user) && m.readAt() == null)
            .toList();
    List<StoredMessageView> shown =
        theirs.subList(Math.max(0, theirs.size() - count), theirs.size());
    if (shown.isEmpty()) {
      return;
    }
    screen.info("-- " + shown.size() + " unread from " + user + " --");
    for (StoredMessageView m : shown) {
      screen.message(screen.when(m.createdAt()), m.senderId(), Screen.PEER, m.content());
    }
    console.reads().add(shown.stream().map(StoredMessageView::id).toList());
  }

  private void reconnect() {
    Link link = console.link();
    if (link == Link.CONNECTED || link == Link.CONNECTING) {
      screen.info(link == Link.CONNECTED ? "already connected" : "connecting already…");
    } else if (link == Link.RECONNECTING) {
      screen.info("reconnecting already…");
    } else if (link == Link.EXPIRED_FINAL) {
      screen.error(
          "this client cannot make a fresh token: start again with a new --token, or with --user ID and the server's secret");
    } else {
      screen.info("reconnecting" + (console.mintsTokens() ? " with a fresh token" : "") + "…");
      console.reconnect();
    }
  }

  private void online() {
    console
        .client()
        .onlineUsers()
        .whenComplete(
            (ids, error) -> {
              if (error != null) {
                failed("/online", error);
                return;
              }
              console.directory().onlineNow(ids);
              console.refreshStatus();
              List<String> sorted = ids.stream().sorted().toList();
              screen.print(
                  screen
                      .line()
                      .append("online: ", Screen.FAINT)
                      .append(
                          sorted.isEmpty() ? "nobody" : String.join(", ", sorted), Screen.GOOD));
            });
  }

  private void users(String query) {
    console
        .client()
        .users(query.isEmpty() ? null : query, 100)
        .thenCombine(
            console.client().conversations(),
            (users, conversations) -> {
              console.directory().addAll(users);
              Map<String, Integer> unread = new LinkedHashMap<>();
              conversations.forEach(c -> unread.put(c.userId(), c.unreadCount()));
              if (users.isEmpty()) {
                screen.info("no users" + (query.isEmpty() ? "" : " match " + query));
              }
              for (DirectoryEntry u : users) {
                AttributedStringBuilder b = new AttributedStringBuilder();
                b.append(u.online() ? "  ● " : "  ○ ", u.online() ? Screen.GOOD : Screen.FAINT);
                b.append(u.id(), AttributedStyle.BOLD);
                if (u.name() != null) {
                  b.append("  " + u.name());
                }
                int n = unread.getOrDefault(u.id(), 0);
                if (n > 0) {
                  b.append("  " + n + " unread", Screen.WARN);
                }
                screen.print(b.toAttributedString(), 4);
              }
              return null;
            })
        .exceptionally(
            error -> {
              failed("/users", error);
              return null;
            });
  }

  private void history(String arg) {
    String with = console.peer();
    if (with == null) {
      screen.error("/history shows the conversation with the current user: /to USER first");
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
        screen.error("/history takes a number from 1 to 100");
        return;
      }
    }
    console
        .client()
        .history(with, null, n)
        .whenComplete(
            (page, error) -> {
              if (error != null) {
                failed("/history", error);
                return;
              }
              showHistory(page);
            });
  }

  private void showHistory(Answers.History page) {
    if (page.messages().isEmpty()) {
      screen.info("no messages with " + page.withUserId() + " yet");
      return;
    }
    int count = page.messages().size();
    screen.info(
        "-- "
            + count
            + " message"
            + (count == 1 ? "" : "s")
            + " with "
            + page.withUserId()
            + (page.hasMore() ? " (there are older ones: /history 100)" : "")
            + " --");
    String me = console.me();
    List<String> unread = new ArrayList<>();
    for (StoredMessageView m : page.messages()) {
      boolean mine =
          !m.senderId().equals(page.withUserId())
              || m.senderId().equals(m.recipientId()) && m.senderId().equals(me);
      if (mine) {
        Status s =
            m.readAt() != null
                ? Status.READ
                : m.deliveredAt() != null ? Status.DELIVERED : Status.SENT;
        screen.printMine(screen.when(m.createdAt()), m.recipientId(), m.content(), s);
      } else {
        screen.message(screen.when(m.createdAt()), m.senderId(), Screen.PEER, m.content());
        if (m.readAt() == null) {
          unread.add(m.id());
        }
      }
    }
    if (!unread.isEmpty() && page.withUserId().equals(console.peer())) {
      console.reads().add(unread);
    }
  }

  /** The unread counts of {@code conversation:list}, on one line (nothing when none). */
  void showUnread(List<Answers.Conversation> conversations) {
    List<String> parts = new ArrayList<>();
    for (Answers.Conversation c : conversations) {
      if (c.unreadCount() > 0) {
        parts.add(c.userId() + " " + c.unreadCount());
      }
    }
    if (!parts.isEmpty()) {
      screen.print(
          screen
              .line()
              .append("unread: ", Screen.FAINT)
              .append(String.join(", ", parts), Screen.WARN)
              .append("  (/to USER shows them)", Screen.FAINT));
    }
  }

  void failed(String what, Throwable error) {
    ClientException e = ClientException.of(error);
    screen.error(what + " failed: " + (e.code() != null ? e.code() + ": " : "") + e.getMessage());
  }
}
