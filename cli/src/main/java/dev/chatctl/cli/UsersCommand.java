package dev.chatctl.cli;

import dev.chatctl.protocol.Json;
import dev.chatctl.server.chat.Wire;
import dev.chatctl.server.store.Database;
import dev.chatctl.server.store.UserRecord;
import dev.chatctl.server.store.UserStore;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chatctl users}: the user directory, on the same database as {@code serve}. */
@Command(
    name = "users",
    mixinStandardHelpOptions = true,
    description = "The user directory (users are also added on their first connect).",
    footer = ExitCodes.FOOTER,
    subcommands = {UsersCommand.Add.class, UsersCommand.List.class})
public final class UsersCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The server's database, migrated. */
  static Database open(SettingsOptions options) {
    return Database.openAndMigrate(options.database(), 2);
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a user, or updates their name and email.", footer = ExitCodes.FOOTER)
  static final class Add implements Callable<Integer> {
    @Mixin SettingsOptions settings;

    @Parameters(index = "0", paramLabel = "ID", description = "The user id (what tokens carry as sub).")
    String id;

    @Option(names = "--name", description = "Display name.")
    String name;

    @Option(names = "--email", description = "Email (never listed to other users).")
    String email;

    @Override
    public Integer call() {
      if (id.isBlank() || id.length() > 191) {
        throw new CommandFailure(ExitCodes.USAGE, "a user id is 1 to 191 characters");
      }
      try (Database db = open(settings)) {
        UserRecord user = UserStore.add(db.dsl(), id, name, email, OffsetDateTime.now(ZoneOffset.UTC));
        System.out.println("added " + user.id() + (user.name() != null ? " (" + user.name() + ")" : ""));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the users, by id.", footer = ExitCodes.FOOTER)
  static final class List implements Callable<Integer> {
    @Mixin SettingsOptions settings;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Option(names = "--limit", defaultValue = "1000", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      try (Database db = open(settings)) {
        java.util.List<UserRecord> users = UserStore.all(db.dsl(), limit);
        if (json) {
          for (UserRecord u : users) {
            System.out.println(Json.write(new UserLine(u.id(), u.name(), u.email(), u.image(), Wire.iso(u.createdAt()))));
          }
        } else {
          System.out.printf("%-30s %-24s %s%n", "ID", "NAME", "EMAIL");
          for (UserRecord u : users) {
            System.out.printf("%-30s %-24s %s%n", u.id(), nullToDash(u.name()), nullToDash(u.email()));
          }
          System.out.println(users.size() + " user" + (users.size() == 1 ? "" : "s"));
        }
      }
      return ExitCodes.OK;
    }
  }

  /** A user as `users list --json` prints it. */
  record UserLine(String id, String name, String email, String image, String createdAt) {}

  static String nullToDash(String s) {
    return s == null ? "-" : s;
  }
}
