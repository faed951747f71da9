import { describe, expect, it } from 'vitest';
import { safeHref, splitLinks } from './linkify';

describe('splitLinks', () => {
  it('makes http and https URLs links and keeps the rest text', () => {
    expect(splitLinks('see https://example.org/a?b=1, and http://x.test.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { kind: 'text', text: ', and ' },
      { kind: 'link', text: 'http://x.test', href: 'http://x.test/' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('never links other schemes', () => {
    for (const body of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', 'file:///etc/passwd']) {
      expect(splitLinks(body)).toEqual([{ kind: 'text', text: body }]);
    }
  });

  it('keeps markup as text', () => {
    expect(splitLinks('<img src=x onerror=alert(1)>')).toEqual([{ kind: 'text', text: '<img src=x onerror=alert(1)>' }]);
  });

  it('accepts only http(s) in safeHref', () => {
    expect(safeHref('https://a.test/x')).toBe('https://a.test/x');
    expect(safeHref('JaVaScRiPt:alert(1)')).toBeNull();
    expect(safeHref('not a url')).toBeNull();
  });
});
