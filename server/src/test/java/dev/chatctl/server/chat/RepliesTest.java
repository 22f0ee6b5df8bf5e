package dev.chatctl.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** One socket's answers leave in the order its events came, however long each one's work takes. */
class RepliesTest {
  private final Replies replies = new Replies();
  private final List<String> answers = new ArrayList<>();

  private void add(CompletableFuture<String> work, boolean afterEarlier) {
    replies.add(() -> work, afterEarlier, (value, error) -> answers.add(error != null ? "failed: " + error.getMessage() : value));
  }

  @Test
  void answersLeaveInArrivalOrderWhateverOrderTheWorkFinishes() {
    CompletableFuture<String> slow = new CompletableFuture<>();
    add(slow, false);
    add(CompletableFuture.completedFuture("second"), false);
    assertEquals(List.of(), answers, "the second waits for the first");
    slow.complete("first");
    assertEquals(List.of("first", "second"), answers);
  }

  @Test
  void workThatMustSeeEarlierEffectsStartsOnlyWhenTheyAreDone() {
    CompletableFuture<String> earlier = new CompletableFuture<>();
    add(earlier, false);
    AtomicBoolean started = new AtomicBoolean();
    replies.add(() -> {
      started.set(true);
      return CompletableFuture.completedFuture("after");
    }, true, (value, error) -> answers.add(value));
    assertFalse(started.get());
    earlier.complete("before");
    assertTrue(started.get());
    assertEquals(List.of("before", "after"), answers);
  }

  @Test
  void aFailureIsAnsweredInItsTurnUnwrapped() {
    CompletableFuture<String> slow = new CompletableFuture<>();
    add(slow, false);
    replies.add(() -> {
      throw new IllegalStateException("boom");
    }, false, (value, error) -> answers.add("failed: " + error.getMessage()));
    add(CompletableFuture.failedFuture(new IllegalArgumentException("bad")), false);
    slow.complete("ok");
    assertEquals(List.of("ok", "failed: boom", "failed: bad"), answers);
  }
}
