package dev.chatctl.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What an operator reads at INFO about refused connects: the first at once, then a summary. */
class RefusedConnectsTest {

  @Test
  void theFirstRefusalIsLoggedAtOnceAndTheRestSummedUpOncePerInterval() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger("refused-connects-test");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    RefusedConnects refused = new RefusedConnects(logger, Duration.ofMillis(300));

    refused.record("TOKEN_INVALID", "bad signature");
    for (int i = 0; i < 5; i++) {
      refused.record("TOKEN_INVALID", "bad signature");
    }
    refused.record("TOKEN_EXPIRED", "expired");
    Thread.sleep(400);
    refused.record("TOKEN_MISSING", "no token");

    List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertEquals(2, messages.size(), messages::toString);
    assertEquals(
        "refused 1 connect: 1 TOKEN_INVALID: bad signature (DEBUG logs each)", messages.get(0));
    assertEquals(
        true,
        messages
            .get(1)
            .matches(
                "refused 7 connects in the last \\d+m?s: 5 TOKEN_INVALID: bad signature, 1 TOKEN_EXPIRED: expired, 1 TOKEN_MISSING: no token \\(DEBUG logs each\\)"),
        messages.get(1));
  }
}
