package dev.chatctl.cli.chat;

import dev.chatctl.protocol.chat.DirectoryEntry;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/** Tab completion: the console's commands, and user ids after {@code /to} (online users first). */
public final class ChatCompleter implements Completer {
  private final Directory directory;

  public ChatCompleter(Directory directory) {
    this.directory = directory;
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    List<String> words = line.words();
    if (line.wordIndex() == 0) {
      if (line.word().startsWith("/")) {
        for (ConsoleCommands.Command command : ConsoleCommands.COMMANDS) {
          candidates.add(
              new Candidate(
                  command.name(), command.name(), null, command.help(), null, null, true));
        }
      }
    } else if (line.wordIndex() == 1 && !words.isEmpty() && words.get(0).equals("/to")) {
      userIds(candidates);
    }
  }

  /**
   * The known user ids as candidates: online users first (sort 0, group "online"), then the rest.
   */
  void userIds(List<Candidate> candidates) {
    for (String id : directory.ids()) {
      boolean online = directory.isOnline(id);
      DirectoryEntry entry = directory.get(id);
      String description = entry != null && entry.name() != null ? entry.name() : null;
      candidates.add(
          new Candidate(
              id,
              id,
              online ? "online" : "offline",
              description,
              null,
              null,
              true,
              online ? 0 : 1));
    }
  }
}
