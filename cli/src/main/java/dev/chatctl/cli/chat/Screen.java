package dev.chatctl.cli.chat;

import dev.chatctl.cli.chat.OwnMessages.Own;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * What the console shows above the line being typed: lines that start with their time, in the
 * console's colours, and my messages, whose last line is updated in place (as its marks change)
 * while nothing was printed after it. Safe from any thread.
 */
final class Screen {
  static final AttributedStyle FAINT = AttributedStyle.DEFAULT.foreground(AttributedStyle.BRIGHT | AttributedStyle.BLACK);
  static final AttributedStyle ME = AttributedStyle.BOLD.foreground(AttributedStyle.GREEN);
  static final AttributedStyle PEER = AttributedStyle.BOLD.foreground(AttributedStyle.CYAN);
  static final AttributedStyle OTHER = AttributedStyle.BOLD.foreground(AttributedStyle.MAGENTA);
  static final AttributedStyle GOOD = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
  static final AttributedStyle WARN = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
  static final AttributedStyle ERROR = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
  static final AttributedStyle READ = AttributedStyle.DEFAULT.foreground(AttributedStyle.BLUE);

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("MMM d HH:mm");

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

  ConsoleIO io() {
    return io;
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

  void print(AttributedStringBuilder b) {
    print(b.toAttributedString());
  }

  void print(AttributedString s) {
    synchronized (lock) {
      io.print(s);
      lastOwn = null;
    }
  }

  /** Prints one of my messages, to be updated in place while it stays the last line. */
  void printOwn(Own own) {
    AttributedString s = ownLine(own);
    synchronized (lock) {
      io.print(s);
      lastOwn = own.clientMessageId;
      lastRows = rows(s);
    }
  }

  /** Shows an own message's new state in place when it is the last line; false when it is not. */
  boolean replaceOwn(Own own) {
    AttributedString s = ownLine(own);
    synchronized (lock) {
      if (own.clientMessageId.equals(lastOwn) && io.replaceLast(lastRows, s)) {
        lastRows = rows(s);
        return true;
      }
      return false;
    }
  }

  /** Shows an own message's new state: in place when it is the last line, else as {@code fallback}. */
  void updateOwn(Own own, Supplier<AttributedString> fallback) {
    synchronized (lock) {
      if (replaceOwn(own)) {
        return;
      }
      AttributedString s = ownLine(own);
      AttributedString f = fallback.get();
      io.print(f);
      lastOwn = f == s || f.toString().equals(s.toString()) ? own.clientMessageId : null;
      lastRows = rows(f);
    }
  }

  AttributedString ownLine(Own own) {
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

  /** The time of an ISO instant, with the day when {@code withDay} and it is not today. */
  String when(String iso, boolean withDay) {
    try {
      ZonedDateTime t = Instant.parse(iso).atZone(zone);
      return withDay && !t.toLocalDate().equals(LocalDate.now(zone)) ? DAY_TIME.format(t) : TIME.format(t);
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
