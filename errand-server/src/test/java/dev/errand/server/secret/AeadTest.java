package dev.errand.server.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The sealed format and the master key, without a store. */
class AeadTest {
  private final SecretKey key = new SecretKeySpec(new byte[32], "AES");
  private final byte[] aad = Aead.associatedData("test", "env", "NAME");

  @Test
  void sealsAndOpensWithAFreshNonceEachTime() {
    byte[] plain = "sk_live_123456".getBytes(StandardCharsets.UTF_8);
    String a = Aead.seal(key, plain, aad);
    String b = Aead.seal(key, plain, aad);
    assertThat(a).startsWith(Aead.PREFIX).isNotEqualTo(b).doesNotContain("sk_live");
    byte[] rawA = Base64.getDecoder().decode(a.substring(Aead.PREFIX.length()));
    byte[] rawB = Base64.getDecoder().decode(b.substring(Aead.PREFIX.length()));
    assertThat(rawA[0]).isEqualTo(Aead.FORMAT);
    assertThat(java.util.Arrays.copyOfRange(rawA, 1, 13))
        .isNotEqualTo(java.util.Arrays.copyOfRange(rawB, 1, 13));
    assertThat(rawA).hasSize(1 + 12 + plain.length + 16);
    assertThat(Aead.open(key, a, aad, "X")).isEqualTo(plain);
    assertThat(Aead.open(key, b, aad, "X")).isEqualTo(plain);
  }

  @Test
  void anyChangeFailsWithAClearErrorThatNamesTheSecretNotTheValue() {
    String sealed = Aead.seal(key, "hunter22".getBytes(StandardCharsets.UTF_8), aad);
    byte[] raw = Base64.getDecoder().decode(sealed.substring(Aead.PREFIX.length()));
    for (int i = 1; i < raw.length; i++) {
      byte[] flipped = raw.clone();
      flipped[i] ^= 0x01;
      String tampered = Aead.PREFIX + Base64.getEncoder().encodeToString(flipped);
      assertThatThrownBy(() -> Aead.open(key, tampered, aad, "environment variable NAME"))
          .isInstanceOf(SecretUnreadableException.class)
          .hasMessageContaining("environment variable NAME failed to decrypt")
          .hasMessageNotContaining("hunter22");
    }
    byte[] format = raw.clone();
    format[0] = 9;
    assertThatThrownBy(
            () ->
                Aead.open(key, Aead.PREFIX + Base64.getEncoder().encodeToString(format), aad, "N"))
        .hasMessageContaining("unknown format 9");
    assertThatThrownBy(
            () -> Aead.open(key, sealed, Aead.associatedData("test", "env", "OTHER"), "N"))
        .isInstanceOf(SecretUnreadableException.class);
    byte[] otherKey = new byte[32];
    otherKey[0] = 1;
    assertThatThrownBy(() -> Aead.open(new SecretKeySpec(otherKey, "AES"), sealed, aad, "N"))
        .isInstanceOf(SecretUnreadableException.class)
        .hasMessageContaining("sealed under another key");
    assertThatThrownBy(() -> Aead.open(key, "enc:v1:AAAA", aad, "N"))
        .hasMessageContaining("too short");
    assertThatThrownBy(() -> Aead.open(key, "in clear", aad, "N"))
        .hasMessageContaining("not in the sealed format");
  }

  @Test
  void associatedDataIsUnambiguous() {
    assertThat(Aead.associatedData("p", "ab", "c"))
        .isNotEqualTo(Aead.associatedData("p", "a", "bc"));
    assertThat(Aead.associatedData("p", "a|b")).isNotEqualTo(Aead.associatedData("p", "a", "b"));
  }

  @Test
  void masterKeysParseStrictlyAndNeverShowThemselves() {
    MasterKey key = MasterKey.generate();
    MasterKey again = MasterKey.fromBase64(" " + key.toBase64() + "\n");
    assertThat(again.fingerprint()).isEqualTo(key.fingerprint()).hasSize(16);
    assertThat(MasterKey.generate().fingerprint()).isNotEqualTo(key.fingerprint());
    assertThat(key.toString()).doesNotContain(key.toBase64()).contains(key.fingerprint());
    assertThatThrownBy(() -> MasterKey.fromBase64("not base64!"))
        .hasMessage("the master key is not valid base64");
    assertThatThrownBy(() -> MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[16])))
        .hasMessageContaining("must be 32 bytes")
        .hasMessageContaining("was 16 bytes");
    assertThatThrownBy(() -> MasterKey.fromBase64("")).hasMessageContaining("empty");
  }
}
