/**
 * Escaping for the HTML report. Everything in a report that came from input
 * (profile and scenario names, outcome keys, error texts, the profile source)
 * goes through one of these, so no input can add markup or script.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` safe as HTML element content and as a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/**
 * `value` as JSON safe inside `<script type="application/json">`: `<`, `>` and
 * `&` become `\u003c`-style escapes, so no string in it can close the script
 * element (`</script>`) or open a comment (`<!--`); JSON.parse restores them.
 * U+2028 and U+2029 are escaped too, so the text is also valid JavaScript.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
