package dev.chatctl.server.engineio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of {@link WsFrameReader} over random and mutated input, fed in chunks of any size: it
 * fails only with its own {@link WsProtocolException}, always returns, and allocates in proportion
 * to the bytes it was given, never to the lengths they announce (issue 10).
 */
class WsFrameReaderProperties {
  /** Large, so that a length announced at random could cost much if it were trusted. */
  private static final int MAX_MESSAGE = 16 * 1024 * 1024;

  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Allowed allocation: a few times the input (buffers grow by doubling, text is decoded), plus a
   * constant for the measure's own noise (the part of a thread-local allocation buffer retired).
   */
  private static final long ALLOCATION_PER_BYTE = 16;

  private static final long ALLOCATION_CONSTANT = 256 * 1024;

  /** A sink that keeps nothing. */
  private static final class Counting implements WsFrameReader.Sink {
    int messages;
    int closes;

    @Override
    public void onText(String text) {
      messages++;
    }

    @Override
    public void onBinary(byte[] data) {
      messages++;
    }

    @Override
    public void onPing(byte[] payload) {}

    @Override
    public void onClose(int code) {
      closes++;
    }
  }

  /** One thread for every try, so that its first-use costs (thread locals) are paid once. */
  private static final ExecutorService READER_THREAD =
      Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon(true).unstarted(r));

  private static boolean warmedUp; // on the reader thread only

  /**
   * First uses on a thread allocate once (thread locals, string concatenation, exceptions): paid
   * here, on every path, before anything is measured.
   */
  private static void warmUp() {
    Random random = new Random(42);
    for (int i = 0; i < 5000; i++) {
      byte[] payload = new byte[random.nextInt(300)];
      random.nextBytes(payload);
      byte[] input = RawWebSocket.frameBytes(random.nextBoolean(), random.nextInt(16), payload);
      if (random.nextBoolean()) {
        input[random.nextInt(input.length)] = (byte) random.nextInt(256);
      }
      read(input, 1 + random.nextInt(64));
    }
    warmedUp = true;
  }

  /** Reads {@code input} in chunks, up to its end or the first protocol error. */
  private static Counting read(byte[] input, int chunk) {
    Counting sink = new Counting();
    WsFrameReader reader = new WsFrameReader(MAX_MESSAGE, sink);
    try {
      for (int at = 0; at < input.length && !reader.stopped(); at += chunk) {
        reader.read(ByteBuffer.wrap(input, at, Math.min(chunk, input.length - at)));
      }
    } catch (WsProtocolException e) {
      assertTrue(
          CloseCode.allowedOnWire(e.code().code), "a close code that can be sent: " + e.code());
    }
    return sink;
  }

  /**
   * Feeds {@code input} in chunks of {@code chunk} bytes; checks time, exceptions and allocation.
   */
  private static Counting feed(byte[] input, int chunk) {
    Future<Counting> run =
        READER_THREAD.submit(
            () -> {
              if (!warmedUp) {
                warmUp();
              }
              long before = THREADS.getCurrentThreadAllocatedBytes();
              Counting sink = read(input, chunk);
              long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
              long bound = ALLOCATION_PER_BYTE * input.length + ALLOCATION_CONSTANT;
              assertTrue(
                  allocated <= bound,
                  allocated + " bytes allocated for " + input.length + " bytes of input");
              return sink;
            });
    try {
      return run.get(10, TimeUnit.SECONDS); // the reader never hangs
    } catch (ExecutionException e) {
      throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      run.cancel(true);
      throw new AssertionError("the reader did not return", e);
    }
  }

  @Property(tries = 300)
  void randomBytes(
      @ForAll @Size(max = 4096) byte[] input, @ForAll @IntRange(min = 1, max = 512) int chunk) {
    feed(input, chunk);
  }

  @Property(tries = 300)
  void mutatedFrames(
      @ForAll("frames") List<byte[]> frames,
      @ForAll("mutations") List<int[]> mutations,
      @ForAll @IntRange(min = 1, max = 512) int chunk) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    frames.forEach(all::writeBytes);
    byte[] input = all.toByteArray();
    for (int[] m : mutations) {
      if (input.length > 0) {
        input[m[0] % input.length] = (byte) m[1];
      }
    }
    feed(input, chunk);
  }

  @Property(tries = 200)
  void validFramesAreAllRead(
      @ForAll("dataFrames") List<byte[]> frames, @ForAll @IntRange(min = 1, max = 512) int chunk) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    frames.forEach(all::writeBytes);
    assertEquals(frames.size(), feed(all.toByteArray(), chunk).messages);
  }

  @Example
  void aHeaderAnnouncingNearlyAMegabyteCostsWhatArrived() {
    WsFrameReader reader = new WsFrameReader(1_000_000, new Counting());
    byte[] header = {
      (byte) 0x82, (byte) (0x80 | 127), 0, 0, 0, 0, 0, 0x0F, 0x3E, 0x58, 1, 2, 3, 4, 'x'
    }; // 999,000
    for (int warm = 0; warm < 2; warm++) {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      try {
        reader.read(ByteBuffer.wrap(header, warm == 0 ? 0 : 14, warm == 0 ? 14 : 1));
      } catch (WsProtocolException e) {
        throw new AssertionError(e);
      }
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
      if (warm == 1) {
        assertTrue(
            allocated < 4096,
            allocated + " bytes allocated for the first byte of a 999,000-byte frame");
      }
    }
  }

  @Provide
  Arbitrary<List<byte[]>> frames() {
    Arbitrary<Integer> opcode = Arbitraries.of(0x0, 0x1, 0x2, 0x8, 0x9, 0xA, 0x3, 0xF);
    Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return Combinators.combine(Arbitraries.of(true, false), opcode, payload)
        .as((fin, op, p) -> RawWebSocket.frameBytes(fin, op, p))
        .list()
        .ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<byte[]>> dataFrames() {
    Arbitrary<byte[]> ascii =
        Arbitraries.strings()
            .ascii()
            .ofMaxLength(2000)
            .map(s -> s.getBytes(StandardCharsets.US_ASCII));
    Arbitrary<byte[]> binary = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
    return Arbitraries.oneOf(
            ascii.map(p -> RawWebSocket.frameBytes(true, RawWebSocket.TEXT, p)),
            binary.map(p -> RawWebSocket.frameBytes(true, RawWebSocket.BINARY, p)))
        .list()
        .ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<int[]>> mutations() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 100_000), Arbitraries.integers().between(0, 255))
        .as((at, value) -> new int[] {at, value})
        .list()
        .ofMaxSize(4);
  }
}
