package dev.chatctl.cli.chat;

import dev.chatctl.cli.chat.OwnMessages.Status;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** The marks on my messages (… ✓ ✓✓ ✓✓ read ✗), in Unicode or plain ASCII. */
final class Marks {
  private final boolean unicode;

  Marks(boolean unicode) {
    this.unicode = unicode;
  }

  String of(Status s) {
    return switch (s) {
      case PENDING -> unicode ? "…" : "...";
      case QUEUED -> unicode ? "… queued" : "... queued";
      case SENT -> unicode ? "✓" : "[sent]";
      case DELIVERED -> unicode ? "✓✓" : "[delivered]";
      case READ -> unicode ? "✓✓ read" : "[read]";
      case FAILED -> unicode ? "✗" : "[failed]";
    };
  }

  static AttributedStyle style(Status s) {
    return switch (s) {
      case READ -> Screen.READ;
      case FAILED -> Screen.ERROR;
      case QUEUED -> Screen.WARN;
      default -> Screen.FAINT;
    };
  }

  /** Appends " mark" (and a failure's reason) in the mark's colour. */
  void append(AttributedStringBuilder b, Status s, String error) {
    b.append(" ")
        .append(of(s) + (s == Status.FAILED && error != null ? " " + error : ""), style(s));
  }
}
