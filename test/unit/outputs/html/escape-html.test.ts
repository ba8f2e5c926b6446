import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from '../../../../src/outputs/html/escape-html.js';

describe('escapeHtml', () => {
  it('escapes the five characters that can start markup or end an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('leaves other text, non-ASCII included, as it is', () => {
    expect(escapeHtml('Ünïcode µs → 12.3 ms')).toBe('Ünïcode µs → 12.3 ms');
  });
});

describe('jsonForScript', () => {
  it('never lets a string close the script element or open a comment, and parses back to the same value', () => {
    const value = { name: '</script><script>alert(1)</script>', comment: '<!-- x -->', amp: 'a & b', lines: 'a\u2028b\u2029c' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
