package io.pagewire.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({"15m, PT15M", "1h30m, PT1H30M", "500ms, PT0.5S", "7d, PT168H", "1w, PT168H", "2s, PT2S", "PT4H, PT4H"})
  void parsesOperatorDurations(String text, String iso) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "15", "m", "15 minutes", "1h-5m", "soon", "P1X", "PT", "99999999999999999999d", "9223372036854775807w"})
  void rejectsWhatIsNotADuration(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a duration");
  }

  @ParameterizedTest
  @ValueSource(strings = {"15m", "1h30m", "500ms", "7d", "1d2h3m4s5ms"})
  void formatIsTheInverseOfParse(String text) {
    assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
  }
}
