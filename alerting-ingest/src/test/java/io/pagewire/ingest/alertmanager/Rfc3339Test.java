package io.pagewire.ingest.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {

  /** The java.time formatter the webhook parser used before: RFC 3339 read strictly, the reference here. */
  private static final DateTimeFormatter REFERENCE = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE)
      .appendLiteral('T')
      .appendValue(ChronoField.HOUR_OF_DAY, 2)
      .appendLiteral(':')
      .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
      .appendLiteral(':')
      .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
      .optionalStart()
      .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
      .optionalEnd()
      .appendOffset("+HH:MM", "Z")
      .toFormatter()
      .withResolverStyle(ResolverStyle.STRICT)
      .withChronology(IsoChronology.INSTANCE);

  private static Instant reference(String text) {
    try {
      return OffsetDateTime.parse(text, REFERENCE).toInstant().truncatedTo(ChronoUnit.MILLIS);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-11-22T20:00:00Z", "2026-11-22t20:00:00.5z", "2026-11-22T22:00:00.123456789+02:00",
      "2026-11-22T18:00:00.999-02:00", "0001-01-01T00:00:00Z", "2024-02-29T23:59:59.1+14:00", "9999-12-31T23:59:59-18:00",
      "2026-11-22T20:00:00.0000001Z"})
  void shouldReadWhatRfc3339AllowsToTheMillisecond(String text) {
    assertThat(Rfc3339.parse(text)).isNotNull().isEqualTo(reference(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "yesterday", "2026-11-22T20:00Z", "2026-11-22T20:00:00", "2026-02-30T20:00:00Z",
      "2025-02-29T20:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T20:60:00Z", "2026-11-22T20:00:60Z",
      "2026-11-22T20:00:00.Z", "2026-11-22T20:00:00.1234567890Z", "2026-11-22T20:00:00+0200", "2026-11-22T20:00:00+02",
      "2026-11-22T20:00:00+19:00", "2026-11-22T20:00:00+02:60", "2026-11-22 20:00:00Z", "2026-13-01T20:00:00Z",
      "2026-00-01T20:00:00Z", "2026-11-00T20:00:00Z", "2026-1-22T20:00:00Z", "+2026-11-22T20:00:00Z", "2026-11-22T20:00:00ZZ",
      "2026-11-22T2a:00:00Z", "2026-11-22T20:00:00.12a4Z"})
  void shouldRefuseWhatIsNotAnRfc3339DateTime(String text) {
    assertThat(Rfc3339.parse(text)).isNull();
    assertThat(reference(text)).isNull();
  }

  @Test
  void shouldAgreeWithTheJavaTimeFormatterOnRandomAndMutatedTimestamps() {
    Random random = new Random(11);
    String alphabet = "0123456789-:.TtZz+ ";
    for (int i = 0; i < 20_000; i++) {
      String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", random.nextInt(10_000), 1 + random.nextInt(12),
          1 + random.nextInt(31), random.nextInt(24), random.nextInt(60), random.nextInt(60),
          random.nextBoolean() ? "" : "." + Long.toString(Math.abs(random.nextLong())).substring(0, 1 + random.nextInt(9)),
          random.nextBoolean() ? "Z" : String.format("%c%02d:%02d", random.nextBoolean() ? '+' : '-', random.nextInt(19),
              random.nextInt(60)));
      if (random.nextInt(3) == 0) {
        char[] chars = text.toCharArray();
        chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
        text = new String(chars);
      }
      assertThat(Rfc3339.parse(text)).as(text).isEqualTo(reference(text));
    }
  }
}
