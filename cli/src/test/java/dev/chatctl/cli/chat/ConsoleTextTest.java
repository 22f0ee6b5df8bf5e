package dev.chatctl.cli.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.cli.chat.StatusLine.Link;
import dev.chatctl.protocol.chat.MessageError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** The words on the chat screen: the status line, /help, refusals, marks. */
class ConsoleTextTest {

  @Test
  void theStatusLineSaysWhoWhatIsUnreadAndTheConnection() {
    Map<String, Integer> unread = new LinkedHashMap<>();
    unread.put("carol", 2);
    unread.put("dave", 1);
    assertEquals(
        " alice → bob (online) | unread: carol 2, dave 1 | connected ",
        StatusLine.render("alice", "bob", true, unread, Link.CONNECTED).toString());
    assertEquals(
        " alice → nobody (/to USER) | reconnecting… ",
        StatusLine.render("alice", null, false, Map.of(), Link.RECONNECTING).toString());
    assertEquals(
        " you → bob (offline) | token expired: /reconnect ",
        StatusLine.render(null, "bob", false, Map.of(), Link.EXPIRED).toString());
    assertTrue(
        StatusLine.render("a", "b", false, Map.of(), Link.EXPIRED_FINAL)
            .toString()
            .contains("token expired: restart with a fresh token"));
  }

  @Test
  void theStatusLineShowsAtMostFivePeopleUnread() {
    Map<String, Integer> unread = new LinkedHashMap<>();
    for (int i = 1; i <= 8; i++) {
      unread.put("u" + i, i);
    }
    String line = StatusLine.render("me", null, false, unread, Link.CONNECTED).toString();
    assertTrue(line.contains("unread: u1 1, u2 2, u3 3, u4 4, u5 5, +3 more |"), line);
  }

  @Test
  void helpIsTwoAlignedColumns() {
    List<AttributedString> lines = ConsoleCommands.helpLines();
    assertEquals(ConsoleCommands.COMMANDS.size(), lines.size());
    int column = -1;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).toString();
      String help = ConsoleCommands.COMMANDS.get(i).help();
      int at = line.indexOf(help);
      assertTrue(at > 0, line);
      if (column < 0) {
        column = at;
      }
      assertEquals(column, at, "the descriptions start in one column:\n" + lines);
    }
    assertTrue(lines.stream().anyMatch(l -> l.toString().startsWith("  /r [TEXT]")));
  }

  @Test
  void aRefusedMessageSaysWhy() {
    MessageError tooLong =
        new MessageError(
            "content must be 1 to 4000 characters after trimming", "VALIDATION_FAILED", "c1");
    assertEquals(
        "too long: 4500 characters, the limit is 4000",
        ConsoleEvents.reason(tooLong, "x".repeat(4500)));
    assertEquals(
        "content must be 1 to 4000 characters after trimming (VALIDATION_FAILED)",
        ConsoleEvents.reason(tooLong, "   "));
    MessageError unknown = new MessageError("Recipient not found", "RECIPIENT_NOT_FOUND", "c2");
    assertEquals("Recipient not found (RECIPIENT_NOT_FOUND)", ConsoleEvents.reason(unknown, "hi"));
  }

  @Test
  void linesNotFromTodayCarryTheirDate() {
    ZoneId zone = ZoneId.of("UTC");
    Screen screen =
        new Screen(
            new PlainIO(
                new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(),
                StandardCharsets.UTF_8),
            zone);
    assertEquals("Jan 2 03:04", screen.when("2020-01-02T03:04:05.000Z"));
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    assertEquals(
        DateTimeFormatter.ofPattern("HH:mm:ss").format(now.atZone(zone)),
        screen.when(now.toString()));
  }

  @Test
  void marksReadOnceInUnicodeAndAscii() {
    Marks unicode = new Marks(true);
    assertEquals("✓✓ read", unicode.of(OwnMessages.Status.READ));
    assertFalse((unicode.of(OwnMessages.Status.READ) + " by bob").contains("read read"));
    assertEquals("[read]", new Marks(false).of(OwnMessages.Status.READ));
  }
}
