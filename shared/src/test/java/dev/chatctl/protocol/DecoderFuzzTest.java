package dev.chatctl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatctl.protocol.chat.ClientEvent;
import dev.chatctl.protocol.chat.ClientEvents;
import dev.chatctl.protocol.engineio.EngineCodec;
import dev.chatctl.protocol.engineio.EnginePacket;
import dev.chatctl.protocol.socketio.SocketCodec;
import dev.chatctl.protocol.socketio.SocketPacket;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Property tests of the decoders a client's bytes reach: Engine.IO frames and polling payloads,
 * Socket.IO packets (with binary attachments) and the chat events' arguments. Whatever comes in,
 * they answer with a value or their own {@link ProtocolException}, never another exception, in
 * bounded time and memory ({@link Fuzz#bounded}).
 */
class DecoderFuzzTest {
  @Provide
  Arbitrary<String> engineFrames() {
    return Fuzz.frames(Fuzz.engineSeeds());
  }

  @Provide
  Arbitrary<String> socketFrames() {
    return Fuzz.frames(Fuzz.SOCKET_SEEDS);
  }

  @Property(tries = 2000)
  void engineTextFramesDecodeOrFailWithTheirOwnError(@ForAll("engineFrames") String frame) {
    Fuzz.bounded(
        frame.length(),
        () -> {
          try {
            EnginePacket packet = EngineCodec.decodeText(frame);
            assertEquals(
                frame, EngineCodec.encodeText(packet), "a decoded frame encodes back to itself");
          } catch (ProtocolException expected) {
            // refused: the connection is closed
          }
          return null;
        });
  }

  @Property(tries = 2000)
  void pollingPayloadsDecodeOrFailWithTheirOwnError(@ForAll("engineFrames") String payload) {
    Fuzz.bounded(
        payload.length(),
        () -> {
          try {
            List<EnginePacket> packets = EngineCodec.decodePayload(payload);
            assertTrue(packets.size() <= payload.length() + 1, "no more packets than records");
          } catch (ProtocolException expected) {
            // refused
          }
          return null;
        });
  }

  @Property(tries = 300)
  void pollingPayloadsRoundTrip(
      @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 6) Integer> types,
      @ForAll("plainText") String text) {
    List<EnginePacket> packets = new ArrayList<>();
    for (int type : types) {
      packets.add(EnginePacket.of(EnginePacket.Type.values()[type], text));
    }
    if (!packets.isEmpty()) {
      assertEquals(packets, EngineCodec.decodePayload(EngineCodec.encodePayload(packets)));
    }
  }

  @Provide
  Arbitrary<String> plainText() {
    return Arbitraries.strings().all().excludeChars(EngineCodec.RECORD_SEPARATOR).ofMaxLength(50);
  }

  /** One decoder fed a sequence of text and binary frames, as a connection feeds it. */
  @Property(tries = 1000)
  void socketPacketsDecodeOrFailWithTheirOwnError(
      @ForAll @Size(min = 1, max = 6) List<@From("socketFrames") String> frames,
      @ForAll @Size(max = 6) List<@IntRange(min = 0, max = 3000) Integer> binarySizes) {
    int length =
        frames.stream().mapToInt(String::length).sum()
            + binarySizes.stream().mapToInt(i -> i).sum();
    Fuzz.bounded(
        length,
        () -> {
          SocketCodec.Decoder decoder = new SocketCodec.Decoder();
          for (int i = 0; i < Math.max(frames.size(), binarySizes.size()); i++) {
            try {
              if (i < frames.size()) {
                checkPacket(decoder.decode(frames.get(i)));
              }
              if (i < binarySizes.size()) {
                checkPacket(decoder.decode(new byte[binarySizes.get(i)]));
              }
            } catch (ProtocolException expected) {
              return null; // refused: the connection is closed, the decoder not used again
            }
          }
          return null;
        });
  }

  /** Deep nesting, long numbers and long ack ids: refused or decoded, within the limits. */
  @Property(tries = 200)
  void pathologicalPacketsStayWithinLimits(
      @ForAll @IntRange(min = 1, max = 200_000) int n,
      @ForAll @IntRange(min = 0, max = 3) int kind) {
    String text =
        switch (kind) {
          case 0 -> "2" + "[".repeat(n) + "]".repeat(n);
          case 1 -> "2[\"x\"," + "9".repeat(n) + "]";
          case 2 -> "2" + "1".repeat(Math.min(n, 30)) + "[\"x\"]";
          default ->
              "5"
                  + n
                  + "-[\"x\""
                  + ",{\"_placeholder\":true,\"num\":0}".repeat(Math.min(n, 1000))
                  + "]";
        };
    Fuzz.bounded(
        text.length(),
        () -> {
          try {
            checkPacket(new SocketCodec.Decoder().decode(text));
          } catch (ProtocolException expected) {
            // refused
          }
          return null;
        });
  }

  private static void checkPacket(SocketPacket packet) {
    if (packet != null) {
      assertNotNull(packet.type());
      assertTrue(packet.namespace().startsWith("/"), packet.namespace());
    }
  }

  @Property(tries = 20)
  void attachmentsCannotPileUpPastOnePayload(
      @ForAll @IntRange(min = 11, max = 10_000) int announced) {
    SocketCodec.Decoder decoder = new SocketCodec.Decoder();
    decoder.decode("5" + announced + "-[\"upload\",{\"_placeholder\":true,\"num\":0}]");
    byte[] chunk = new byte[100_000];
    assertThrows(
        ProtocolException.class,
        () -> {
          for (int i = 0; i < announced; i++) {
            decoder.decode(chunk);
          }
        });
  }

  /**
   * Chat events from decoded packets: a Valid event keeps the contract's limits, nothing throws.
   */
  @Property(tries = 2000)
  void chatPayloadsParseToAnEventOrARefusal(
      @ForAll("chatPackets") String text, @ForAll @IntRange(min = 1, max = 4000) int maxLength) {
    JsonNode data;
    try {
      data = Json.read(text);
    } catch (ProtocolException notJson) {
      return;
    }
    if (!data.isArray() || data.isEmpty() || !data.get(0).isTextual()) {
      return;
    }
    List<JsonNode> args = new ArrayList<>();
    data.forEach(args::add);
    String event = args.remove(0).textValue();
    ClientEvents.Parsed parsed =
        Fuzz.bounded(text.length(), () -> ClientEvents.parse(event, args, maxLength));
    if (parsed instanceof ClientEvents.Valid valid
        && valid.event() instanceof ClientEvent.SendMessage send) {
      assertTrue(
          send.content().length() >= 1 && send.content().length() <= maxLength, send.content());
      assertTrue(send.recipientId().length() <= ClientEvents.MAX_ID_LENGTH);
    }
  }

  @Provide
  Arbitrary<String> chatPackets() {
    return Fuzz.mutated(
        Fuzz.SOCKET_SEEDS.stream()
            .filter(s -> s.contains("[\"message"))
            .map(s -> s.substring(s.indexOf('[')))
            .toList());
  }
}
