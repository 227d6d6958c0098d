package io.pagewire.platform.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {

  @Test
  void shouldEscapeEveryCharacterThatEndsTextOrAnAttribute() {
    assertThat(Html.escape("<a href=\"x\" title='y'>&amp;</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  }

  @Test
  void shouldLeaveOtherTextAsItIsAndNullEmpty() {
    assertThat(Html.escape("Disk 95 % full — db-1")).isEqualTo("Disk 95 % full — db-1");
    assertThat(Html.escape(null)).isEmpty();
  }
}
