package dev.chatctl.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * How {@code serve} logs: human lines ({@code text}, the default) or one JSON object per line
 * ({@code json}, for a log collector), and from which level. Both go to stderr.
 */
final class LogOptions {
  /** The log formats. */
  enum Format {
    text,
    json
  }

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "${env:CHATCTL_LOG_FORMAT:-text}",
      description =
          "${COMPLETION-CANDIDATES}: human lines, or JSON lines for a log collector (CHATCTL_LOG_FORMAT, default ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      defaultValue = "${env:CHATCTL_LOG_LEVEL:-INFO}",
      description =
          "ERROR, WARN, INFO or DEBUG; DEBUG shows every connection and refusal (CHATCTL_LOG_LEVEL, default ${DEFAULT-VALUE}).")
  String level;

  /** Configures logging before the first line is logged. */
  void apply() {
    Level chosen = Level.toLevel(level, null);
    if (chosen == null) {
      throw new CommandFailure(
          ExitCodes.USAGE, "--log-level must be ERROR, WARN, INFO or DEBUG, not '" + level + "'");
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    if (format == Format.json) {
      URL json = LogOptions.class.getResource("/logback-json.xml");
      context.reset();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      try {
        configurator.doConfigure(json);
      } catch (JoranException e) {
        throw new IllegalStateException("logback-json.xml", e);
      }
    }
    context.getLogger("dev.chatctl").setLevel(chosen);
  }
}
