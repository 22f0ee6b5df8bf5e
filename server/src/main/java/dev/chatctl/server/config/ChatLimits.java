package dev.chatctl.server.config;

import java.time.Duration;

/**
 * What one client may ask of the chat (README "Settings", PROTOCOL.md "Limits").
 *
 * @param messageRate message:send per second a user may keep up (a token bucket's refill); 0: no
 *     limit
 * @param messageBurst sends a user may make at once (the bucket's size)
 * @param maxInFlight requests a socket may have unanswered before its connection is not read until
 *     half of them are answered; at sixteen times this (a polling socket, whose reading is not
 *     paused), further requests are refused RATE_LIMITED
 * @param storeTimeout how long a request waits for the database before it is answered UNAVAILABLE
 */
public record ChatLimits(
    double messageRate, int messageBurst, int maxInFlight, Duration storeTimeout) {
  public static final double DEFAULT_MESSAGE_RATE = 20;
  public static final int DEFAULT_MESSAGE_BURST = 100;
  public static final int DEFAULT_MAX_IN_FLIGHT = 64;
  public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(5);

  public static ChatLimits defaults() {
    return new ChatLimits(
        DEFAULT_MESSAGE_RATE, DEFAULT_MESSAGE_BURST, DEFAULT_MAX_IN_FLIGHT, DEFAULT_STORE_TIMEOUT);
  }

  public ChatLimits withMessageRate(double rate, int burst) {
    return new ChatLimits(rate, burst, maxInFlight, storeTimeout);
  }

  public ChatLimits withStoreTimeout(Duration timeout) {
    return new ChatLimits(messageRate, messageBurst, maxInFlight, timeout);
  }
}
