package dev.jvisor.nodeagent.toml;

import dev.jvisor.nodeagent.AgentException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.tomlj.MutableTomlTable;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/**
 * One TOML text, parsed for editing. {@link #render()} returns the original text with only our edits applied
 * (tomlj keeps the layout of everything it parsed and appends new tables at the end).
 *
 * <p>Lines whose first non-blank characters are {@code {{} are Go-template actions (k3s/rke2
 * {@code config.toml.tmpl}: {@code {{ template "base" . }}}); they are replaced by a marker comment for parsing and
 * restored verbatim when rendering.
 */
public final class TomlDocument {
  static final String TEMPLATE_MARKER = "#jvisor-go-template-line:";

  private final String origin;
  private final String original;
  private final TomlParseResult table;
  private final List<String> templateLines;

  private TomlDocument(String origin, String original, TomlParseResult table, List<String> templateLines) {
    this.origin = origin;
    this.original = original;
    this.table = table;
    this.templateLines = templateLines;
  }

  /**
   * Parses {@code text}; {@code origin} names the file in error messages.
   *
   * @throws AgentException when the text (template lines excluded) is not valid TOML
   */
  public static TomlDocument parse(String text, String origin) {
    List<String> templates = new ArrayList<>();
    String masked = mask(text, templates);
    TomlParseResult result = Toml.parse(masked);
    if (result.hasErrors()) {
      String errors = result.errors().stream().limit(3).map(Object::toString).collect(Collectors.joining("; "));
      throw new AgentException(origin + " is not valid TOML (" + errors + "); it was left untouched");
    }
    return new TomlDocument(origin, text, result, templates);
  }

  /** The document's root table; edits through it show up in {@link #render()}. */
  public MutableTomlTable root() {
    return table;
  }

  public String origin() {
    return origin;
  }

  public boolean hasTemplateLines() {
    return !templateLines.isEmpty();
  }

  /**
   * Same TOML content (comments and layout aside) and the same Go-template lines: what uninstall checks before it
   * puts a backup back, so nothing but our own entries is ever undone.
   */
  public boolean sameContentAs(TomlDocument other) {
    return Toml.equals(table, other.table) && templateLines.equals(other.templateLines);
  }

  /** The text with our edits; exactly the original text when nothing was changed. */
  public String render() {
    if (!table.isModified()) {
      return original;
    }
    return unmask(table.toToml(), templateLines);
  }

  /** True when {@link #render()} differs from the text that was parsed. */
  public boolean changed() {
    return !render().equals(original);
  }

  private static String mask(String text, List<String> templates) {
    // One output line per input line, so positions and the final newline (or its absence) are kept.
    StringBuilder out = new StringBuilder(text.length());
    for (String line : text.split("\n", -1)) {
      if (line.stripLeading().startsWith("{{")) {
        out.append(TEMPLATE_MARKER).append(templates.size());
        templates.add(line);
      } else {
        out.append(line);
      }
      out.append('\n');
    }
    out.setLength(out.length() - 1);
    return out.toString();
  }

  private static String unmask(String toml, List<String> templates) {
    if (templates.isEmpty()) {
      return toml;
    }
    StringBuilder out = new StringBuilder(toml.length());
    for (String line : toml.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith(TEMPLATE_MARKER)) {
        out.append(templates.get(Integer.parseInt(trimmed.substring(TEMPLATE_MARKER.length()))));
      } else {
        out.append(line);
      }
      out.append('\n');
    }
    out.setLength(out.length() - 1);
    return out.toString();
  }
}
