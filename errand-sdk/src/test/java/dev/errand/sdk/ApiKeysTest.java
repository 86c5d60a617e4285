package dev.errand.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A key built the way the server builds them. */
  static String key(String environment) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < ApiKeys.BODY_LENGTH; i++) {
      body.append(ApiKeys.ALPHABET.charAt(RANDOM.nextInt(62)));
    }
    String rest = ApiKeys.PREFIX + environment + "_" + body;
    return rest + "_" + ApiKeys.checksum(rest);
  }

  @Test
  void aKeyWithItsChecksumLooksValidAndNamesItsEnvironment() {
    String key = key("prod");
    assertThat(key).startsWith("ek_prod_").hasSize(3 + 4 + 1 + 32 + 1 + 6);
    assertThat(ApiKeys.looksValid(key)).isTrue();
    assertThat(ApiKeys.environmentOf(key)).isEqualTo("prod");
    ApiKeys.check(key);
  }

  @Test
  void everyOneCharacterTypoIsCaughtOffline() {
    String key = key("staging");
    for (int i = 0; i < key.length(); i++) {
      for (char c : (ApiKeys.ALPHABET + "_-").toCharArray()) {
        if (c == key.charAt(i)) {
          continue;
        }
        String typo = key.substring(0, i) + c + key.substring(i + 1);
        assertThat(ApiKeys.looksValid(typo)).as("typo at %d: %s", i, c).isFalse();
      }
    }
  }

  @Test
  void swappedNeighboursAndMissingCharactersAreCaught() {
    String key = key("dev");
    int bodyStart = "ek_dev_".length();
    for (int i = bodyStart; i < key.length() - 1; i++) {
      if (key.charAt(i) == key.charAt(i + 1)) {
        continue;
      }
      String swapped =
          key.substring(0, i) + key.charAt(i + 1) + key.charAt(i) + key.substring(i + 2);
      assertThat(ApiKeys.looksValid(swapped)).as("swap at %d", i).isFalse();
    }
    assertThat(ApiKeys.looksValid(key.substring(0, key.length() - 1))).isFalse();
  }

  @Test
  void checkNamesATypoWithoutQuotingTheKey() {
    String key = key("prod");
    char last = key.charAt(key.length() - 1);
    String typo = key.substring(0, key.length() - 1) + (last == 'a' ? 'b' : 'a');
    assertThatThrownBy(() -> ApiKeys.check(typo))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("this API key has a typo: its checksum does not match")
        .hasMessageNotContaining(typo.substring(8, 30));
    assertThatThrownBy(() -> ApiKeys.check("ek_prod_tooShort"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed");
  }

  @Test
  void keysOfTheOlderFormatAreLeftToTheServer() {
    ApiKeys.check("sk_dev_abcdefghijklmnopqrstuvwxyz234567");
    ApiKeys.check("any-key-an-operator-chose");
    assertThat(ApiKeys.looksValid("sk_dev_abcdefghijklmnopqrstuvwxyz234567")).isFalse();
    assertThat(ApiKeys.environmentOf("sk_dev_abc")).isNull();
  }

  @Test
  void theClientBuilderFailsFastOnATypo() {
    String key = key("prod");
    String typo = key.replace("ek_prod_", "ek_prud_");
    assertThatThrownBy(
            () -> ErrandClient.builder().apiUrl("http://localhost:1").secretKey(typo).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checksum does not match");
    assertThat(ErrandClient.builder().apiUrl("http://localhost:1").secretKey(key).build())
        .isNotNull();
  }
}
