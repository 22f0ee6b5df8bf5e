package dev.chatctl.cli.chat;

import dev.chatctl.cli.chat.OwnMessages.Own;
import dev.chatctl.cli.chat.OwnMessages.Status;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * What the console shows above the line being typed: lines that start with their time (and the date
 * when it is not today), word-wrapped to the terminal with a hanging indent, in the console's
 * colours; my messages, updated in place as their marks change while nothing was printed after them
 * (and while they fit the screen: a message taller than it is not redrawn, so no partial copy lands
 * in the scrollback); and the status line. Safe from any thread.
 */
final class Screen {
  static final AttributedStyle FAINT =
      AttributedStyle.DEFAULT.foreground(AttributedStyle.BRIGHT | AttributedStyle.BLACK);
  static final AttributedStyle ME = AttributedStyle.BOLD.foreground(AttributedStyle.GREEN);
  static final AttributedStyle PEER = AttributedStyle.BOLD.foreground(AttributedStyle.CYAN);
  static final AttributedStyle OTHER = AttributedStyle.BOLD.foreground(AttributedStyle.MAGENTA);
  static final AttributedStyle GOOD = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
  static final AttributedStyle WARN = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
  static final AttributedStyle ERROR = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
  static final AttributedStyle READ = AttributedStyle.DEFAULT.foreground(AttributedStyle.BLUE);

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("MMM d HH:mm");

  /** Rows below the printed lines that are not theirs: the prompt, the status line. */
  private static final int RESERVED_ROWS = 2;

  private final ConsoleIO io;
  private final ZoneId zone;
  private final Marks marks;
  private final Object lock = new Object();
  // guarded by lock: the own message printed last (its clientMessageId) and the rows it took
  private String lastOwn;
  private int lastRows;

  Screen(ConsoleIO io, ZoneId zone) {
    this.io = io;
    this.zone = zone;
    this.marks = new Marks(io.unicode());
  }

  Marks marks() {
    return marks;
  }

  /** A line starting with the time now. */
  AttributedStringBuilder line() {
    return new AttributedStringBuilder().append(TIME.format(ZonedDateTime.now(zone)) + " ", FAINT);
  }

  void info(String text) {
    print(line().append(text, FAINT));
  }

  void warn(String text) {
    print(line().append(text, WARN));
  }

  void error(String text) {
    print(line().append(text, ERROR));
  }

  /** Prints a line that starts with a time: its rows after the first start under the text. */
  void print(AttributedStringBuilder b) {
    print(b.toAttributedString(), TIME.format(ZonedDateTime.now(zone)).length() + 1);
  }

  /** Prints a line; its rows after the first start {@code indent} columns in. */
  void print(AttributedString s, int indent) {
    List<AttributedString> rows = WordWrap.rows(s, io.width(), indent);
    synchronized (lock) {
      io.print(WordWrap.join(rows));
      lastOwn = null;
    }
  }

  /** A message line: "time sender: content", its rows after the first under the content. */
  void message(String time, String sender, AttributedStyle senderStyle, String content) {
    AttributedStringBuilder b =
        new AttributedStringBuilder()
            .append(time + " ", FAINT)
            .append(sender, senderStyle)
            .append(": ");
    int indent = b.columnLength();
    print(b.append(content).toAttributedString(), indent);
  }

  /** Prints one of my messages, to be updated in place while it stays the last line. */
  void printOwn(Own own) {
    List<AttributedString> rows = ownRows(own);
    synchronized (lock) {
      io.print(WordWrap.join(rows));
      own.shown = true;
      lastOwn = own.clientMessageId;
      lastRows = rows.size();
    }
  }

  /** Shows an own message's new state in place when it is the last line (and fits the screen). */
  boolean replaceOwn(Own own) {
    List<AttributedString> rows = ownRows(own);
    synchronized (lock) {
      if (own.clientMessageId.equals(lastOwn)
          && fits(lastRows)
          && fits(rows.size())
          && io.replaceLast(lastRows, WordWrap.join(rows))) {
        lastRows = rows.size();
        return true;
      }
      return false;
    }
  }

  /**
   * Shows an own message's new state: in place when it can; else the whole message again, unless it
   * is already on screen and taller than it, or {@code briefOnly}: then {@code brief}.
   */
  void updateOwn(Own own, AttributedString brief, boolean briefOnly) {
    synchronized (lock) {
      if (replaceOwn(own)) {
        return;
      }
      List<AttributedString> rows = ownRows(own);
      if (briefOnly || own.shown && !fits(rows.size())) {
        print(brief, TIME.format(ZonedDateTime.now(zone)).length() + 1);
        return;
      }
      printOwn(own);
    }
  }

  /** Shows the status line (where the terminal keeps one). */
  void status(AttributedString line) {
    io.status(line);
  }

  private boolean fits(int rows) {
    int height = io.height();
    return height <= 0 || rows + RESERVED_ROWS <= height;
  }

  private List<AttributedString> ownRows(Own own) {
    return mine(TIME.format(own.at.atZone(zone)), own.to, own.content, own.status, own.error);
  }

  /**
   * A message of mine as rows: "time you → to: content mark", rows after the first under the
   * content.
   */
  List<AttributedString> mine(String time, String to, String content, Status status, String error) {
    AttributedStringBuilder b =
        new AttributedStringBuilder()
            .append(time + " ", FAINT)
            .append("you", ME)
            .append(" → " + to + ": ");
    int indent = b.columnLength();
    b.append(content);
    marks.append(b, status, error);
    return WordWrap.rows(b.toAttributedString(), io.width(), indent);
  }

  /** A message of mine from the history (not updated later). */
  void printMine(String time, String to, String content, Status status) {
    List<AttributedString> rows = mine(time, to, content, status, null);
    synchronized (lock) {
      io.print(WordWrap.join(rows));
      lastOwn = null;
    }
  }

  /** One of my messages was not sent: marked ✗ in place, else a line of its own says so and why. */
  void notSent(Own own, String why) {
    updateOwn(
        own,
        line()
            .append("✗ not sent to " + own.to + ": \"" + snippet(own.content) + "\": " + why, ERROR)
            .toAttributedString(),
        true);
  }

  /** The time of an ISO instant, with the date when it is not today. */
  String when(String iso) {
    try {
      ZonedDateTime t = Instant.parse(iso).atZone(zone);
      return t.toLocalDate().equals(LocalDate.now(zone)) ? TIME.format(t) : DAY_TIME.format(t);
    } catch (DateTimeParseException | NullPointerException e) {
      return TIME.format(ZonedDateTime.now(zone));
    }
  }

  /** A message's content on one line, cut to 40 characters. */
  static String snippet(String content) {
    String one = content.replaceAll("\\s+", " ");
    return one.length() <= 40 ? one : one.substring(0, 39) + "…";
  }
}
