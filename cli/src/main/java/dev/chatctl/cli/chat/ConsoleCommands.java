package dev.chatctl.cli.chat;

import dev.chatctl.cli.chat.OwnMessages.Status;
import dev.chatctl.cli.client.ClientException;
import dev.chatctl.protocol.chat.Answers;
import dev.chatctl.protocol.chat.DirectoryEntry;
import dev.chatctl.protocol.chat.StoredMessageView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** The console's slash commands: what {@code /help} lists and Tab completes, and what each does. */
final class ConsoleCommands {

  /** A console command, for /help and Tab completion. */
  record Command(String name, String args, String help) {}

  static final List<Command> COMMANDS =
      List.of(
          new Command("/to", "USER", "talk to USER (Tab completes user ids, online first)"),
          new Command("/online", "", "who is online"),
          new Command("/users", "[QUERY]", "the directory, with unread counts"),
          new Command("/history", "[N]", "the last N messages with the current user (default 20)"),
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
      case "/online" -> online();
      case "/users" -> users(arg);
      case "/history" -> history(arg);
      default -> screen.error("unknown command " + words[0] + "; /help lists them");
    }
    return true;
  }

  private void help() {
    screen.info("commands:");
    for (Command c : COMMANDS) {
      screen.print(new AttributedStringBuilder().append("  " + c.name() + (c.args().isEmpty() ? "" : " " + c.args()), AttributedStyle.BOLD)
          .append("  " + c.help()).toAttributedString());
    }
    screen.info("  a plain line is a message to the current user; //text sends \"/text\"");
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
    Directory directory = console.directory();
    String state =
        !directory.contains(user) ? " (not in the directory yet: messages to unknown users are refused)"
            : directory.isOnline(user) ? " (online)"
            : " (offline: messages wait for them)";
    screen.info("talking to " + user + state);
    console.talkTo(user);
  }

  private void online() {
    console.client().onlineUsers().whenComplete((ids, error) -> {
      if (error != null) {
        failed("/online", error);
        return;
      }
      console.directory().onlineNow(ids);
      List<String> sorted = ids.stream().sorted().toList();
      screen.print(screen.line().append("online: ", Screen.FAINT).append(sorted.isEmpty() ? "nobody" : String.join(", ", sorted), Screen.GOOD));
    });
  }

  private void users(String query) {
    console.client().users(query.isEmpty() ? null : query, 100)
        .thenCombine(console.client().conversations(), (users, conversations) -> {
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
            screen.print(b);
          }
          return null;
        })
        .exceptionally(error -> {
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
    console.client().history(with, null, n).whenComplete((page, error) -> {
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
    screen.info("-- " + count + " message" + (count == 1 ? "" : "s") + " with " + page.withUserId()
        + (page.hasMore() ? " (there are older ones: /history 100)" : "") + " --");
    String me = console.me();
    List<String> unread = new ArrayList<>();
    for (StoredMessageView m : page.messages()) {
      boolean mine = !m.senderId().equals(page.withUserId()) || m.senderId().equals(m.recipientId()) && m.senderId().equals(me);
      AttributedStringBuilder b = new AttributedStringBuilder();
      b.append(screen.when(m.createdAt(), true) + " ", Screen.FAINT);
      if (mine) {
        b.append("you", Screen.ME).append(" → " + m.recipientId() + ": ").append(m.content());
        Status s = m.readAt() != null ? Status.READ : m.deliveredAt() != null ? Status.DELIVERED : Status.SENT;
        screen.marks().append(b, s, null);
      } else {
        b.append(m.senderId(), Screen.PEER).append(": ").append(m.content());
        if (m.readAt() == null) {
          unread.add(m.id());
        }
      }
      screen.print(b);
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
      screen.print(screen.line().append("unread: ", Screen.FAINT).append(String.join(", ", parts), Screen.WARN)
          .append("  (/to USER, then /history)", Screen.FAINT));
    }
  }

  void failed(String what, Throwable error) {
    ClientException e = ClientException.of(error);
    screen.error(what + " failed: " + (e.code() != null ? e.code() + ": " : "") + e.getMessage());
  }
}
