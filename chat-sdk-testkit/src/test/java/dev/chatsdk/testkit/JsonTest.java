package dev.chatsdk.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

  @Test
  void parsesNestedObjectsAndArraysInDocumentOrder() {
    Map<String, Object> obj =
        Json.parseObject(
            " {\"type\":\"message\",\"message\":{\"seq\":42,\"tags\":[1,\"two\",true,null]},"
                + "\"z\":false,\"a\":{}} ");

    assertThat(obj).containsOnlyKeys("type", "message", "z", "a");
    assertThat(List.copyOf(obj.keySet())).containsExactly("type", "message", "z", "a");
    assertThat(obj.get("type")).isEqualTo("message");
    assertThat(obj.get("z")).isEqualTo(false);
    assertThat(obj.get("a")).isEqualTo(Map.of());
    @SuppressWarnings("unchecked")
    Map<String, Object> message = (Map<String, Object>) obj.get("message");
    assertThat(message.get("seq")).isEqualTo(42L);
    assertThat(castList(message.get("tags"))).containsExactly(1L, "two", true, null);
  }

  @Test
  void decodesEveryStringEscape() {
    Object value = Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00\"");

    assertThat(value).isEqualTo("q\" b\\ s/ \b\f\n\r\t \u00e9 \uD83D\uDE00");
  }

  @Test
  void keepsNonAsciiCharactersAsIs() {
    assertThat(Json.parse("\"h\u00e9llo \u4e16\u754c\"")).isEqualTo("h\u00e9llo \u4e16\u754c");
  }

  @Test
  void parsesNumbersOfEveryShape() {
    assertThat(Json.parse("0")).isEqualTo(0L);
    assertThat(Json.parse("-17")).isEqualTo(-17L);
    assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(Json.parse("9223372036854775808")).isEqualTo(new BigInteger("9223372036854775808"));
    assertThat(Json.parse("1.5")).isEqualTo(new BigDecimal("1.5"));
    assertThat(Json.parse("-2e3")).isEqualTo(new BigDecimal("-2e3"));
    assertThat(Json.parse("6.02E+23")).isEqualTo(new BigDecimal("6.02E+23"));
  }

  @Test
  void parsesLiteralsAndEmptyContainers() {
    assertThat(Json.parse("true")).isEqualTo(true);
    assertThat(Json.parse("false")).isEqualTo(false);
    assertThat(Json.parse("null")).isNull();
    assertThat(Json.parse("[]")).isEqualTo(List.of());
    assertThat(Json.parse("{ }")).isEqualTo(Map.of());
    assertThat(Json.parse("[ [ ] , { } ]")).isEqualTo(List.of(List.of(), Map.of()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "{",
        "{\"a\":1",
        "{\"a\" 1}",
        "{a:1}",
        "{\"a\":1,}",
        "[1,]",
        "[1 2]",
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"bad \\u12G4\"",
        "\"short \\u12\"",
        "\"raw \n newline\"",
        "01",
        "-",
        "1.",
        "1e",
        ".5",
        "tru",
        "nul",
        "{} extra",
        "{\"a\":1,\"a\":2}",
        "'single'"
      })
  void rejectsMalformedInputNamingThePosition(String text) {
    assertThatThrownBy(() -> Json.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid JSON at position");
  }

  @Test
  void rejectsNestingDeeperThanTheCap() {
    char[] open = new char[600];
    char[] close = new char[600];
    Arrays.fill(open, '[');
    Arrays.fill(close, ']');
    String deep = new String(open) + new String(close);

    assertThatThrownBy(() -> Json.parse(deep)).hasMessageContaining("nesting deeper than");
  }

  @Test
  void parseObjectRejectsOtherValues() {
    assertThatThrownBy(() -> Json.parseObject("[1]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected a JSON object");
  }

  @Test
  void parsedContainersAreUnmodifiable() {
    Map<String, Object> obj = Json.parseObject("{\"a\":[1]}");

    assertThatThrownBy(() -> obj.put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> castList(obj.get("a")).add(3))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void atFollowsKeysAndIndexes() {
    Object root = Json.parse("{\"m\":{\"list\":[{\"seq\":7}],\"n\":null}}");

    assertThat(Json.at(root, "m", "list", "0", "seq")).contains(7L);
    assertThat(Json.at(root, "m", "list", "1", "seq")).isEmpty();
    assertThat(Json.at(root, "m", "list", "x")).isEmpty();
    assertThat(Json.at(root, "m", "n")).isEmpty();
    assertThat(Json.at(root, "m", "missing", "deeper")).isEmpty();
    assertThat(Json.at(root)).contains(root);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> castList(Object value) {
    return (List<Object>) value;
  }
}
