package dev.chatctl.cli;

import dev.chatctl.protocol.Json;
import dev.chatctl.server.chat.Wire;
import dev.chatctl.server.store.Database;
import dev.chatctl.server.store.UserRecord;
import dev.chatctl.server.store.UserStore;
import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chatctl users}: the user directory, on the same database as {@code serve}. */
@Command(
    name = "users",
    mixinStandardHelpOptions = true,
    description =
        "The user directory, on serve's database (users are also added when they first connect).",
    footer = {
      "%nExamples:",
      "  chatctl users add bob --name Bob",
      "  chatctl users list --json",
      ExitCodes.FOOTER
    },
    subcommands = {UsersCommand.Add.class, UsersCommand.List.class})
public final class UsersCommand extends GroupCommand {

  /** The server's database, migrated. */
  static Database open(SettingsOptions options) {
    Main.bridgeJulToSlf4j();
    return Database.openAndMigrate(options.database(), 2);
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Adds a user, or updates their name and email.",
      footer = {
        "%nExamples:",
        "  chatctl users add bob --name Bob --email bob@example.com",
        ExitCodes.FOOTER
      })
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin SettingsOptions settings;

    @Parameters(
        index = "0",
        paramLabel = "ID",
        description = "The user id (what tokens carry as sub).")
    String id;

    @Option(names = "--name", paramLabel = "NAME", description = "Display name.")
    String name;

    @Option(
        names = "--email",
        paramLabel = "EMAIL",
        description = "Email (never listed to other users).")
    String email;

    @Override
    public Integer call() {
      UserIds.check(null, id);
      try (Database db = open(settings)) {
        UserRecord user =
            UserStore.add(db.dsl(), id, name, email, OffsetDateTime.now(ZoneOffset.UTC));
        PrintWriter out = spec.commandLine().getOut();
        out.println("added " + user.id() + (user.name() != null ? " (" + user.name() + ")" : ""));
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the users by id, and how many there are.",
      footer = {"%nExamples:", "  chatctl users list --limit 20", ExitCodes.FOOTER})
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin SettingsOptions settings;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "1000",
        description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new CommandFailure(ExitCodes.USAGE, "--limit must be at least 1");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (Database db = open(settings)) {
        java.util.List<UserRecord> users = UserStore.all(db.dsl(), limit);
        if (json) {
          for (UserRecord u : users) {
            out.println(
                Json.write(
                    new UserLine(u.id(), u.name(), u.email(), u.image(), Wire.iso(u.createdAt()))));
          }
        } else {
          out.printf("%-30s %-24s %s%n", "ID", "NAME", "EMAIL");
          for (UserRecord u : users) {
            out.printf("%-30s %-24s %s%n", u.id(), nullToDash(u.name()), nullToDash(u.email()));
          }
          int total = users.size() < limit ? users.size() : UserStore.count(db.dsl());
          boolean cut = total > users.size();
          out.println(
              (cut ? users.size() + " of " : "")
                  + total
                  + " user"
                  + (total == 1 ? "" : "s")
                  + (cut ? " (--limit " + limit + ")" : ""));
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** A user as `users list --json` prints it. */
  record UserLine(String id, String name, String email, String image, String createdAt) {}

  static String nullToDash(String s) {
    return s == null ? "-" : s;
  }
}
