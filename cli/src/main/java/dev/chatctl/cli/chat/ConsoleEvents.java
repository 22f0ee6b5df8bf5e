package dev.chatctl.cli.chat;

import dev.chatctl.cli.chat.OwnMessages.Own;
import dev.chatctl.cli.chat.OwnMessages.Status;
import dev.chatctl.cli.chat.StatusLine.Link;
import dev.chatctl.cli.client.ChatEvent;
import dev.chatctl.cli.client.ClientException;
import dev.chatctl.protocol.chat.ErrorCode;
import dev.chatctl.protocol.chat.JsText;
import dev.chatctl.protocol.chat.Message;
import dev.chatctl.protocol.chat.MessageError;
import dev.chatctl.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * What arrives from the server, on the screen: messages (the conversation on screen marked read),
 * the marks on my messages and why one was refused, receipts, presence of the people I talk with,
 * and the connection's ups and downs (in the status line too). Runs on the client's event loop.
 */
final class ConsoleEvents {
  private static final Pattern LENGTH_LIMIT =
      Pattern.compile("content must be 1 to (\\d+) characters");

  private final ChatConsole console;
  private final Screen screen;
  private final OwnMessages own;
  private final Conversations conversations;
  private final Directory directory;

  ConsoleEvents(
      ChatConsole console,
      Screen screen,
      OwnMessages own,
      Conversations conversations,
      Directory directory) {
    this.console = console;
    this.screen = screen;
    this.own = own;
    this.conversations = conversations;
    this.directory = directory;
  }

  void on(ChatEvent event) {
    switch (event) {
      case ChatEvent.Received r -> received(r.message());
      case ChatEvent.Sent s -> {
        Own mine = own.sent(s.message());
        if (mine != null) {
          screen.updateOwn(mine, brief(mine, Status.SENT, "stored").toAttributedString(), false);
        }
      }
      case ChatEvent.SendFailed f -> refused(f.error());
      case ChatEvent.Delivered d ->
          receipts(
              d.receipt().messageIds(),
              Status.DELIVERED,
              "delivered to " + d.receipt().recipientId());
      case ChatEvent.Read r ->
          receipts(r.receipt().messageIds(), Status.READ, "by " + r.receipt().readerId());
      case ChatEvent.UserOnline u -> presence(u.userId(), true);
      case ChatEvent.UserOffline u -> presence(u.userId(), false);
      case ChatEvent.OnlineUsers o -> {
        directory.onlineNow(o.userIds());
        console.refreshStatus();
      }
      case ChatEvent.AuthExpired a -> expired();
      case ChatEvent.Connected c -> connected(c);
      case ChatEvent.Disconnected d -> {
        if (d.willReconnect()) {
          console.link(Link.RECONNECTING);
          screen.warn("connection lost (" + d.reason() + "); reconnecting…");
        } else if (!d.reason().equals("io client disconnect")) {
          if (!console.expired()) {
            console.link(Link.OFFLINE);
            screen.error("disconnected by the server; /reconnect to try again, /quit to leave");
          }
        }
      }
      case ChatEvent.Reconnecting r -> {
        if (r.attempt() > 1 && Integer.bitCount(r.attempt()) == 1) {
          screen.info(
              "still reconnecting (attempt "
                  + r.attempt()
                  + ", next in "
                  + Durations.format(Duration.ofMillis(r.delay().toMillis() / 100 * 100))
                  + ")");
        }
      }
      case ChatEvent.ConnectFailed f -> {
        if (!f.willRetry()
            && console.everConnected()) { // a first connect that fails is the command's error
          ClientException e = f.error();
          if ("TOKEN_EXPIRED".equals(e.code())) {
            expired();
          } else {
            console.link(Link.OFFLINE);
            screen.error(
                "cannot reconnect: "
                    + (e.code() != null ? e.code() + ": " : "")
                    + e.getMessage()
                    + "; /reconnect to try again, /quit to leave");
          }
        }
      }
      case ChatEvent.Other o -> {}
    }
  }

  private void connected(ChatEvent.Connected c) {
    boolean again = console.everConnected();
    console.connected();
    if (c.reconnect()) {
      screen.print(
          screen
              .line()
              .append("connected again", Screen.GOOD)
              .append(
                  c.recovered()
                      ? " (session recovered: what you missed follows)"
                      : " (new session)",
                  Screen.FAINT));
    } else if (again) {
      screen.print(
          screen
              .line()
              .append("connected again", Screen.GOOD)
              .append(" (new session, fresh token)", Screen.FAINT));
    }
    console
        .client()
        .onlineUsers()
        .thenAccept(
            ids -> {
              directory.onlineNow(ids);
              console.refreshStatus();
            });
  }

  private void expired() {
    if (console.expired()) {
      return;
    }
    if (console.mintsTokens()) {
      console.link(Link.EXPIRED);
      screen.error("your token expired: /reconnect connects with a fresh one");
    } else {
      console.link(Link.EXPIRED_FINAL);
      screen.error(
          "your token expired, and this client cannot make a fresh one (it was given --token or CHATCTL_TOKEN):"
              + " start again with a new token, or with --user ID and the server's secret");
    }
  }

  private void presence(String user, boolean online) {
    if (online) {
      directory.online(user);
    } else {
      directory.offline(user);
    }
    if (!user.equals(console.me()) && conversations.showsPresenceOf(user)) {
      if (online) {
        screen.print(screen.line().append("● " + user + " is online", Screen.GOOD));
      } else {
        screen.warn("○ " + user + " went offline");
      }
    }
    if (user.equals(conversations.peer())) {
      console.refreshStatus();
    }
  }

  private void received(Message m) {
    Own mine = own.byClientId(m.clientMessageId());
    if (mine != null && m.senderId().equals(m.recipientId())) {
      if (m.senderId().equals(conversations.peer())) {
        console.reads().add(List.of(m.id())); // a note to myself, on screen as my own line
      }
      return;
    }
    directory.known(m.senderId());
    boolean current = m.senderId().equals(conversations.peer());
    conversations.received(
        m.senderId(), m.id()); // before it shows: an answer typed at once goes to them
    screen.message(
        screen.when(m.createdAt()),
        m.senderId(),
        current ? Screen.PEER : Screen.OTHER,
        m.content());
    if (current) {
      console.reads().add(List.of(m.id()));
    } else {
      console.refreshStatus(); // an unread count moved
    }
  }

  private void refused(MessageError error) {
    String why = reason(error, null);
    Own mine = own.byClientId(error.clientMessageId());
    if (mine == null) {
      screen.error("error " + why);
      return;
    }
    why = reason(error, mine.content);
    own.failed(error.clientMessageId(), why);
    screen.notSent(mine, why);
  }

  /**
   * Why a send was refused, as a person reads it: an over-long message says its length and the
   * limit; other refusals say the server's reason and code.
   */
  static String reason(MessageError error, String content) {
    Matcher limit = LENGTH_LIMIT.matcher(String.valueOf(error.error()));
    if (ErrorCode.VALIDATION_FAILED.name().equals(error.code())
        && content != null
        && limit.find()) {
      int length = JsText.trim(content).length();
      int max = Integer.parseInt(limit.group(1));
      if (length > max) {
        return "too long: " + length + " characters, the limit is " + max;
      }
    }
    return error.error() + " (" + error.code() + ")";
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
    int unknown = advanced.unknown();
    if (rest.size() == 1 && unknown == 0) {
      screen.print(brief(rest.get(0), status, what));
    } else if (rest.size() + unknown > 0) {
      int n = rest.size() + unknown;
      screen.print(
          screen
              .line()
              .append(
                  screen.marks().of(status)
                      + " "
                      + what
                      + ": "
                      + n
                      + " message"
                      + (n == 1 ? "" : "s"),
                  style));
    }
  }

  /** One line for a mark on one of my messages: {@code ✓✓ read by bob: "hi"}. */
  private AttributedStringBuilder brief(Own mine, Status status, String what) {
    return screen
        .line()
        .append(
            screen.marks().of(status) + " " + what + ": \"" + Screen.snippet(mine.content) + "\"",
            Marks.style(status));
  }
}
