package dev.chatctl.cli.chat;

import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The status line at the bottom of the terminal, as irssi and weechat keep one: who I am and who I
 * talk to (online or not), the unread counts by person, and the connection's state, with what to do
 * when it needs something ({@code /reconnect}).
 */
final class StatusLine {
  private static final AttributedStyle BAR = AttributedStyle.DEFAULT.inverse();
  private static final int MAX_UNREAD_SHOWN = 5;

  /** Where the connection stands, as the status line says it. */
  enum Link {
    CONNECTING("connecting…"),
    CONNECTED("connected"),
    RECONNECTING("reconnecting…"),
    OFFLINE("disconnected: /reconnect"),
    EXPIRED("token expired: /reconnect"),
    EXPIRED_FINAL("token expired: restart with a fresh token");

    final String text;

    Link(String text) {
      this.text = text;
    }
  }

  private StatusLine() {}

  /**
   * @param me my user id (null: "you")
   * @param peer who I talk to (null: nobody yet)
   * @param peerOnline whether they are online now
   * @param unread unread counts by person, most recent first
   */
  static AttributedString render(
      String me, String peer, boolean peerOnline, Map<String, Integer> unread, Link link) {
    AttributedStringBuilder b = new AttributedStringBuilder();
    b.append(" " + (me != null ? me : "you"), BAR.bold());
    if (peer == null) {
      b.append(" → nobody (/to USER)", BAR);
    } else {
      b.append(" → ", BAR)
          .append(peer, BAR.bold())
          .append(peerOnline ? " (online)" : " (offline)", BAR);
    }
    if (!unread.isEmpty()) {
      StringBuilder u = new StringBuilder();
      int shown = 0;
      for (Map.Entry<String, Integer> e : unread.entrySet()) {
        if (shown++ == MAX_UNREAD_SHOWN) {
          u.append(", +").append(unread.size() - MAX_UNREAD_SHOWN).append(" more");
          break;
        }
        u.append(shown > 1 ? ", " : "").append(e.getKey()).append(' ').append(e.getValue());
      }
      b.append(" | unread: ", BAR).append(u.toString(), BAR.bold());
    }
    AttributedStyle linkStyle =
        link == Link.CONNECTED ? BAR : BAR.bold().foreground(AttributedStyle.RED);
    b.append(" | ", BAR).append(link.text + " ", linkStyle);
    return b.toAttributedString();
  }
}
