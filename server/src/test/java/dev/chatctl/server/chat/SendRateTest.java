package dev.chatctl.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The token bucket of message:send: a burst, then the rate, per user; full buckets forgotten. */
class SendRateTest {

  @Test
  void aBurstPassesThenSendsAreRefusedPerUser() {
    SendRate rate = new SendRate(0.001, 3); // refills one token in 1000 s: none during the test
    assertTrue(rate.allow("alice"));
    assertTrue(rate.allow("alice"));
    assertTrue(rate.allow("alice"));
    assertFalse(rate.allow("alice"));
    assertTrue(rate.allow("bob"), "each user has a bucket of their own");
    rate.sweep();
    assertEquals(2, rate.size(), "buckets not full again are kept");
  }

  @Test
  void noLimitAtZeroAndRefilledBucketsAreForgotten() throws Exception {
    SendRate off = new SendRate(0, 1);
    for (int i = 0; i < 10_000; i++) {
      assertTrue(off.allow("alice"));
    }
    assertEquals(0, off.size());
    SendRate fast = new SendRate(1_000, 2);
    fast.allow("alice");
    Thread.sleep(20); // 1,000 a second: full again after 2 ms
    fast.sweep();
    assertEquals(0, fast.size());
  }
}
