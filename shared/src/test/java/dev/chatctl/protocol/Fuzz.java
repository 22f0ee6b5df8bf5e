package dev.chatctl.protocol;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.chatctl.protocol.engineio.EngineCodec;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Inputs for the decoders' property tests: random text over the protocols' own characters,
 * arbitrary Unicode (lone surrogates included), and valid frames mutated by a few random edits; and
 * {@link #bounded}, which runs a decoder call with a time and an allocation limit.
 */
public final class Fuzz {
  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** Characters the Engine.IO, Socket.IO and JSON grammars give meaning to, and a few more. */
  private static final String PROTOCOL_CHARS =
      "0123456789-/,[]{}\":_.tfnulrbe\\ \u001e\u0000é€😀\uD800";

  private Fuzz() {}

  /** Valid Socket.IO packets of every type, the chat events among them. */
  public static final List<String> SOCKET_SEEDS =
      List.of(
          "0",
          "0{\"token\":\"abc\"}",
          "0/chat,{\"token\":\"abc\"}",
          "1",
          "2[\"message:send\",{\"recipientId\":\"bob\",\"content\":\"hi\",\"clientMessageId\":\"c1\"}]",
          "21[\"message:history\",{\"withUserId\":\"bob\",\"limit\":20,\"before\":null}]",
          "2/chat,7[\"message:read\",{\"messageIds\":[\"a\",\"b\"]}]",
          "3/chat,12[{\"ok\":true}]",
          "51-[\"upload\",{\"_placeholder\":true,\"num\":0}]",
          "62-/x,5[{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0}]",
          "4{\"message\":\"no\"}");

  /** Valid Engine.IO frames and polling payloads, each Socket.IO seed as a MESSAGE among them. */
  public static List<String> engineSeeds() {
    List<String> seeds =
        new ArrayList<>(List.of("0{\"sid\":\"x\"}", "2", "3probe", "5", "6", "1", "bAAEC"));
    SOCKET_SEEDS.forEach(s -> seeds.add("4" + s));
    seeds.add(
        "4"
            + SOCKET_SEEDS.get(4)
            + EngineCodec.RECORD_SEPARATOR
            + "2"
            + EngineCodec.RECORD_SEPARATOR
            + "bAQID");
    return seeds;
  }

  /** Random and mutated frames around {@code seeds}. */
  public static Arbitrary<String> frames(List<String> seeds) {
    Arbitrary<String> grammar = Arbitraries.strings().withChars(PROTOCOL_CHARS).ofMaxLength(300);
    Arbitrary<String> unicode = Arbitraries.strings().all().ofMaxLength(100);
    return Arbitraries.frequencyOf(
        Tuple.of(2, grammar), Tuple.of(1, unicode), Tuple.of(4, mutated(seeds)));
  }

  /** A seed with 1 to 8 edits: a character inserted, replaced or deleted, or a span repeated. */
  public static Arbitrary<String> mutated(List<String> seeds) {
    Arbitrary<Edit> edit =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.chars().with(PROTOCOL_CHARS.toCharArray()),
                Arbitraries.integers().between(1, 40))
            .as(Edit::new);
    return Combinators.combine(Arbitraries.of(seeds), edit.list().ofMinSize(1).ofMaxSize(8))
        .as(
            (seed, edits) -> {
              StringBuilder s = new StringBuilder(seed);
              for (Edit e : edits) {
                e.apply(s);
              }
              return s.toString();
            });
  }

  private record Edit(int kind, int position, char c, int span) {
    void apply(StringBuilder s) {
      int at = s.isEmpty() ? 0 : position % (s.length() + 1);
      switch (kind) {
        case 0 -> s.insert(at, c);
        case 1 -> {
          if (at < s.length()) {
            s.setCharAt(at, c);
          }
        }
        case 2 -> {
          if (at < s.length()) {
            s.deleteCharAt(at);
          }
        }
        default -> s.insert(at, s.substring(at, Math.min(s.length(), at + span)).repeat(3));
      }
    }
  }

  /**
   * Runs {@code call} within 5 s (else it hangs: fails) and checks that it allocated at most 1 MB
   * plus 100 bytes per input character: a decoder must not size anything by what the input
   * announces. Over the limit, the call is measured once more, since a first call may load and
   * initialize classes; the decoders are pure functions of their input.
   */
  public static <T> T bounded(int inputLength, Supplier<T> call) {
    long limit = 1_000_000L + 100L * inputLength;
    return assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          long before = THREADS.getCurrentThreadAllocatedBytes();
          T result = call.get();
          long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
          if (allocated > limit) {
            before = THREADS.getCurrentThreadAllocatedBytes();
            call.get();
            allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
          }
          assertTrue(
              allocated <= limit,
              "allocated " + allocated + " bytes for " + inputLength + " characters");
          return result;
        });
  }
}
