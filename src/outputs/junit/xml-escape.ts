/**
 * XML 1.0 escaping for the JUnit report. Threshold expressions (`p95 < 500ms`),
 * scenario names and error texts come from input and routinely hold `<`, `&`
 * and quotes; some (a peer's error message) may even hold control characters,
 * which XML 1.0 cannot carry at all (section 2.2, production [2] Char): those
 * become U+FFFD so the file always parses.
 */

// Everything outside XML 1.0's Char production, lone surrogates included (the `u` flag matches them one by one).
// eslint-disable-next-line no-control-regex -- XML's Char production is defined by code points, tab, LF and CR included.
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const ATTRIBUTE_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  '"': '&quot;',
  "'": '&apos;',
  // Attribute-value normalisation (XML 1.0 section 3.3.3) turns literal tabs and
  // newlines into spaces; character references survive it.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** `text` safe as element content. */
export function escapeXmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>]/g, (character) => TEXT_ESCAPES[character] ?? character);
}

/** `text` safe inside a double- or single-quoted attribute value, line breaks kept. */
export function escapeXmlAttribute(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"'\t\n\r]/g, (character) => ATTRIBUTE_ESCAPES[character] ?? character);
}
