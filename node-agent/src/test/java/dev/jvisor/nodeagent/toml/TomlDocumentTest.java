package dev.jvisor.nodeagent.toml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.nodeagent.AgentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TomlDocumentTest {
  static final String TEMPLATE = """
      {{ template "base" . }}
      # comment kept
        {{- if .Foo }}
      [a]
        b = "{{ .Bar }}"
      {{ end }}
      """;

  @Test
  void goTemplateLinesAreNeverParsedAndComeBackVerbatim() {
    TomlDocument doc = TomlDocument.parse(TEMPLATE, "t");
    assertThat(doc.hasTemplateLines()).isTrue();
    assertThat(doc.root().getString("a.b")).isEqualTo("{{ .Bar }}");
    doc.root().getOrCreateTable(List.of("c")).set(List.of("d"), 1L);
    String out = doc.render();
    assertThat(out).startsWith(TEMPLATE.substring(0, TEMPLATE.indexOf("{{ end }}") + "{{ end }}".length()));
    assertThat(out).contains("[c]").contains("d = 1").doesNotContain(TomlDocument.TEMPLATE_MARKER);
  }

  @Test
  void unchangedDocumentRendersTheOriginalBytes() {
    String text = "a = 1   # odd spacing\n\n[t]\nx=\"y\"";
    TomlDocument doc = TomlDocument.parse(text, "t");
    assertThat(doc.render()).isEqualTo(text);
    assertThat(doc.changed()).isFalse();
  }

  @Test
  void malformedTomlIsAClearErrorNamingTheFile() {
    assertThatThrownBy(() -> TomlDocument.parse("[a\nb = 1\n", "/etc/containerd/config.toml"))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("/etc/containerd/config.toml is not valid TOML")
        .hasMessageContaining("left untouched");
  }
}
