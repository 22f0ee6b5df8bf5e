package dev.chatctl.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HKDF-SHA256 against the test vectors of RFC 5869, appendix A (cases 1 to 3). */
class HkdfTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s.replaceAll("\\s", ""));
  }

  @Test
  void rfc5869Case1Basic() {
    assertArrayEquals(
        hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
        Hkdf.sha256(
            hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
            hex("000102030405060708090a0b0c"),
            hex("f0f1f2f3f4f5f6f7f8f9"),
            42));
  }

  @Test
  void rfc5869Case2LongInputsAndOutput() {
    byte[] ikm = new byte[80];
    byte[] salt = new byte[80];
    byte[] info = new byte[80];
    for (int i = 0; i < 80; i++) {
      ikm[i] = (byte) i;
      salt[i] = (byte) (0x60 + i);
      info[i] = (byte) (0xb0 + i);
    }
    assertArrayEquals(
        hex(
            """
            b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c
            59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71
            cc30c58179ec3e87c14c01d5c1f3434f1d87"""),
        Hkdf.sha256(ikm, salt, info, 82));
  }

  @Test
  void rfc5869Case3EmptySaltAndInfo() {
    assertArrayEquals(
        hex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
        Hkdf.sha256(
            hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), new byte[0], new byte[0], 42));
  }

  @Test
  void outputLengthIsBounded() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Hkdf.sha256(new byte[1], new byte[0], new byte[0], 255 * 32 + 1));
    assertArrayEquals(new byte[0], Hkdf.sha256(new byte[1], new byte[0], new byte[0], 0));
  }
}
