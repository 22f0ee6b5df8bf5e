package dev.chatctl.cli;

import dev.chatctl.server.store.Database;
import java.util.concurrent.Callable;
import org.flywaydb.core.api.MigrationInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code chatctl db}: the schema migrations. */
@Command(
    name = "db",
    mixinStandardHelpOptions = true,
    description = "The database schema: Flyway migrations (serve also migrates when it starts).",
    footer = {
      "%nExamples:",
      "  chatctl db info",
      "  DATABASE_URL=postgresql://chat@127.0.0.1/chat chatctl db migrate",
      ExitCodes.FOOTER
    },
    subcommands = {DbCommand.Migrate.class, DbCommand.Info.class})
public final class DbCommand extends GroupCommand {

  /** The server's database, as it is (migrate and info look before they touch). */
  static Database open(SettingsOptions options) {
    Main.bridgeJulToSlf4j();
    return Database.open(options.database(), 2);
  }

  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description = "Applies the pending migrations.",
      footer = {
        "%nExamples:",
        "  chatctl db migrate --database-url postgresql://chat@127.0.0.1/chat",
        ExitCodes.FOOTER
      })
  static final class Migrate implements Callable<Integer> {
    @Mixin SettingsOptions settings;

    @Override
    public Integer call() {
      try (Database db = open(settings)) {
        int applied = db.migrate();
        System.out.println(
            db.url().display()
                + ": "
                + (applied == 0
                    ? "up to date"
                    : applied + " migration" + (applied == 1 ? "" : "s") + " applied"));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description = "Lists applied and pending migrations.",
      footer = {"%nExamples:", "  chatctl db info --data-dir /var/lib/chatctl", ExitCodes.FOOTER})
  static final class Info implements Callable<Integer> {
    @Mixin SettingsOptions settings;

    @Override
    public Integer call() {
      try (Database db = open(settings)) {
        System.out.println(db.url().display());
        System.out.printf("%-8s %-40s %-10s %s%n", "VERSION", "DESCRIPTION", "STATE", "INSTALLED");
        for (MigrationInfo m : db.migrations()) {
          System.out.printf(
              "%-8s %-40s %-10s %s%n",
              m.getVersion() == null ? "" : m.getVersion().getVersion(),
              m.getDescription(),
              m.getState().getDisplayName(),
              m.getInstalledOn() == null ? "-" : m.getInstalledOn().toInstant().toString());
        }
      }
      return ExitCodes.OK;
    }
  }
}
