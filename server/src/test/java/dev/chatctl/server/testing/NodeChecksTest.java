package dev.chatctl.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** What a script's report lines become: one named test per check, none of them lost to a crash. */
class NodeChecksTest {

  private static final String PLAN =
      """
      # a run
      #check-plan "a: passes"
      #check-plan "b: fails"
      #check-plan "c: skipped"
      #check-plan "d: never reached"
      ok - a: passes
      #check-result {"name":"a: passes","status":"ok","detail":null}
      not ok - b: fails: expected 1, got 2
      #check-result {"name":"b: fails","status":"fail","detail":"expected 1, got 2"}
      #check-result {"name":"c: skipped","status":"skip","detail":"needs --origin-allowed"}
      """;

  @Test
  void eachCheckIsATestNamedAfterIt() {
    List<DynamicTest> tests =
        NodeChecks.of("x.mjs", new NodeScript.Result(2, PLAN, "TypeError: boom")).toList();
    assertEquals(
        List.of("a: passes", "b: fails", "c: skipped", "d: never reached", "x.mjs ran to its end"),
        tests.stream().map(DynamicTest::getDisplayName).toList());
  }

  @Test
  void aFailedCheckFailsWithItsDetailAndASkippedOneIsSkipped() throws Throwable {
    List<DynamicTest> tests = NodeChecks.of("x.mjs", new NodeScript.Result(1, PLAN, "")).toList();
    tests.get(0).getExecutable().execute();
    assertEquals(
        "b: fails: expected 1, got 2",
        assertThrows(AssertionFailedError.class, tests.get(1).getExecutable()::execute)
            .getMessage());
    assertEquals(
        "needs --origin-allowed",
        assertThrows(TestAbortedException.class, tests.get(2).getExecutable()::execute)
            .getMessage());
    tests.get(4).getExecutable().execute(); // exit 1 with a failed check: that check says why
  }

  @Test
  void aCheckAnnouncedButNeverReportedFailsAndSoDoesACrashedScript() {
    List<DynamicTest> tests =
        NodeChecks.of("x.mjs", new NodeScript.Result(2, PLAN, "TypeError: boom")).toList();
    String never =
        assertThrows(AssertionFailedError.class, tests.get(3).getExecutable()::execute)
            .getMessage();
    assertTrue(never.contains("never reported") && never.contains("TypeError: boom"), never);
    assertThrows(AssertionFailedError.class, tests.get(4).getExecutable()::execute);
  }

  @Test
  void aScriptThatDiesBeforeItsPlanIsOneFailedTest() {
    List<DynamicTest> tests =
        NodeChecks.of("x.mjs", new NodeScript.Result(2, "", "SyntaxError")).toList();
    assertEquals(1, tests.size());
    assertThrows(AssertionFailedError.class, tests.get(0).getExecutable()::execute);
  }
}
