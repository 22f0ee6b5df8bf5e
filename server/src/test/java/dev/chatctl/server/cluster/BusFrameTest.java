package dev.chatctl.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatctl.protocol.ProtocolException;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** Bus frames: what one node encodes, another decodes unchanged; garbage is refused. */
class BusFrameTest {
  @Property(tries = 500)
  void whatIsEncodedDecodesUnchanged(
      @ForAll String node,
      @ForAll String event,
      @ForAll long offset,
      @ForAll @Size(max = 64) List<String> args) {
    BusFrame frame = new BusFrame(node, event, offset, args);
    assertEquals(frame, BusFrame.decode(frame.encode()));
  }

  @Property(tries = 500)
  void aCutOrLengthenedFrameIsRefusedNeverMisread(
      @ForAll @Size(max = 5) List<String> args, @ForAll byte extra) {
    byte[] bytes = new BusFrame("n1", "message:receive", 7, args).encode();
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] shorter = Arrays.copyOf(bytes, cut);
      assertThrows(ProtocolException.class, () -> BusFrame.decode(shorter));
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    longer[bytes.length] = extra;
    assertThrows(ProtocolException.class, () -> BusFrame.decode(longer));
  }

  @Example
  void aMessageCarriesItsOffsetAndAReceiptNone() {
    BusFrame message = BusFrame.of("n1", "message:receive", 42, "{\"id\":\"m1\"}", "\"42\"");
    BusFrame receipt = BusFrame.of("n1", "message:delivered", BusFrame.NO_OFFSET, "{}");
    assertTrue(BusFrame.decode(message.encode()).hasOffset());
    assertEquals(42, BusFrame.decode(message.encode()).offset());
    assertFalse(BusFrame.decode(receipt.encode()).hasOffset());
  }
}
