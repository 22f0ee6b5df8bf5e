package dev.chatctl.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** At most so many commands unanswered; the rest leave in order as answers come. */
class ThrottleTest {
  @Test
  void commandsBeyondTheLimitWaitAndLeaveInOrder() {
    Throttle throttle = new Throttle(2);
    List<Integer> sent = new ArrayList<>();
    List<CompletableFuture<Integer>> answers = new ArrayList<>();
    List<CompletionStage<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      results.add(
          throttle.send(
              () -> {
                sent.add(n);
                CompletableFuture<Integer> answer = new CompletableFuture<>();
                answers.add(answer);
                return answer;
              }));
    }
    assertEquals(List.of(0, 1), sent);
    assertEquals(3, throttle.waiting());
    answers.get(1).complete(10);
    assertEquals(List.of(0, 1, 2), sent, "an answer lets the next one go");
    answers.get(0).completeExceptionally(new IllegalStateException("refused"));
    assertEquals(List.of(0, 1, 2, 3), sent, "so does a failure");
    assertTrue(results.get(0).toCompletableFuture().isCompletedExceptionally());
    assertEquals(10, results.get(1).toCompletableFuture().join());
    answers.get(2).complete(2);
    answers.get(3).complete(3);
    answers.get(4).complete(4);
    assertEquals(List.of(0, 1, 2, 3, 4), sent);
    assertEquals(0, throttle.waiting());
    throttle.send(() -> CompletableFuture.completedFuture(5)); // nothing in flight: at once
    assertEquals(0, throttle.waiting());
  }
}
