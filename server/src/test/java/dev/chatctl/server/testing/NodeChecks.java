package dev.chatctl.server.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.protocol.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * The named checks of one run of a Node.js check script as one JUnit test each, for a
 * {@code @TestFactory}: the script (run once, with CHECK_REPORT=1) announces its checks with {@code
 * #check-plan "name"} lines before it runs any and reports each with a {@code #check-result
 * {"name", "status", "detail"}} line (harness.mjs). A check that failed fails with its detail, a
 * skipped one is reported skipped, and a check announced but never reported fails too (the script
 * died on the way), as does a script that did not end cleanly, so nothing a crash cuts short goes
 * unseen.
 */
public final class NodeChecks {
  private static final String PLAN = "#check-plan ";
  private static final String RESULT = "#check-result ";

  private NodeChecks() {}

  /** One test per check the script announced or reported, then one that it ended cleanly. */
  public static Stream<DynamicTest> of(String script, NodeScript.Result result) {
    Map<String, JsonNode> reported = new LinkedHashMap<>();
    List<String> planned = new ArrayList<>();
    for (String line : result.stdout().split("\n")) {
      if (line.startsWith(PLAN)) {
        planned.add(Json.read(line.substring(PLAN.length())).asText());
      } else if (line.startsWith(RESULT)) {
        JsonNode check = Json.read(line.substring(RESULT.length()));
        reported.put(check.get("name").asText(), check);
      }
    }
    List<String> names = new ArrayList<>(planned);
    reported.keySet().stream().filter(name -> !planned.contains(name)).forEach(names::add);
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : names) {
      JsonNode check = reported.get(name);
      tests.add(DynamicTest.dynamicTest(name, () -> verdict(script, name, check, result)));
    }
    boolean anyFailed =
        reported.values().stream().anyMatch(c -> "fail".equals(c.get("status").asText()));
    // exit 1 is how a script says "a check failed"; that check's own test shows why
    tests.add(
        DynamicTest.dynamicTest(
            script + " ran to its end",
            () ->
                assertTrue(
                    result.exitCode() == 0 || (result.exitCode() == 1 && anyFailed),
                    () -> script + " did not end cleanly: " + result)));
    return tests.stream();
  }

  private static void verdict(
      String script, String name, JsonNode check, NodeScript.Result result) {
    if (check == null) {
      fail(
          script
              + " announced this check but never reported it (exit "
              + result.exitCode()
              + "); stderr:\n"
              + tail(result.stderr()));
    }
    String detail = check.path("detail").asText("");
    switch (check.get("status").asText()) {
      case "ok" -> {}
      case "skip" -> Assumptions.abort(detail);
      default ->
          fail(name + ": " + detail); // the name too: the console's summary numbers the tests
    }
  }

  private static String tail(String text) {
    return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
  }
}
