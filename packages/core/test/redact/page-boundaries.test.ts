import { describe, test, expect } from '@jest/globals';
import { BOUNDARY_SEARCH_BYTES as KIB4, isCutPoint, pageBounds, redactSecrets, type KnownText } from '@ldm/core';
import { leakedFragments, linesWithSecrets, plainText, secretOffsets } from './secret-fixture';

const whole = (text: string, complete = true): KnownText => ({ bytes: Buffer.from(text), from: 0, complete });
const pageText = (text: KnownText, offset: number, maxLength: number) => {
  const { start, end } = pageBounds(text, offset, maxLength);
  return text.bytes.subarray(start - text.from, end - text.from).toString('utf8');
};

/** Pages through `text` from offset 0, each page from where the last one ended. */
function pageThrough(text: KnownText, maxLength: number): Array<{ start: number; end: number }> {
  const pages = [];
  for (let offset = 0; ; ) {
    const page = pageBounds(text, offset, maxLength);
    pages.push(page);
    if (page.end === offset) return pages;
    offset = page.end;
  }
}

describe('isCutPoint', () => {
  test('the start of the text, just after a line break, and the end once the text is complete', () => {
    const text = whole('ab\ncd');
    expect([0, 1, 2, 3, 4, 5].map((at) => isCutPoint(text, at))).toEqual([true, false, false, true, false, true]);
    expect(isCutPoint(whole('ab\ncd', false), 5)).toBe(false);
  });

  test('after a separator only in a line already 4 KiB long', () => {
    const text = whole(`key: value ${'w '.repeat(KIB4)}`);
    expect(isCutPoint(text, 'key: '.length)).toBe(false);
    expect(isCutPoint(text, 'key: value '.length + 2 * (KIB4 / 2))).toBe(true);
    expect(isCutPoint(text, 'key: value '.length + 2 * (KIB4 / 2) + 1)).toBe(false);
  });

  test('between characters only in a word already 4 KiB long, never inside a character', () => {
    const text = whole(`a ${'€'.repeat(KIB4)}`);
    const wordStart = 2;
    expect(isCutPoint(text, wordStart + 3 * 1000)).toBe(false);
    expect(isCutPoint(text, wordStart + 3 * 1366)).toBe(true);
    expect(isCutPoint(text, wordStart + 3 * 1366 + 1)).toBe(false);
  });

  test('not where the bytes before are unknown, unless a line break is known to precede it', () => {
    const dropped: KnownText = { bytes: Buffer.from('ne\nnext line\n'), from: 100, complete: true };
    expect(isCutPoint(dropped, 100)).toBe(false);
    expect(isCutPoint(dropped, 103)).toBe(true);
  });
});

describe('pageBounds', () => {
  test('ends at the last line break within maxLength; the next page begins there', () => {
    const text = whole('one\ntwo\nthree\n');
    expect(pageBounds(text, 0, 10)).toEqual({ start: 0, end: 8 });
    expect(pageBounds(text, 8, 10)).toEqual({ start: 8, end: 14 });
  });

  test('an offset inside a line begins at the next line', () => {
    expect(pageBounds(whole('one\ntwo\nthree\n'), 5, 100)).toEqual({ start: 8, end: 14 });
  });

  test('a page with no cut point in it runs on to the next one, at most 8 KiB further', () => {
    expect(pageBounds(whole('a line\nnext\n'), 0, 3)).toEqual({ start: 0, end: 7 });
    const longest = pageBounds(whole(`${'w'.repeat(KIB4 - 1)} ${'z'.repeat(3 * KIB4)}`), 0, 1);
    expect(longest.end).toBeLessThanOrEqual(2 * KIB4 + 4);
  });

  test('while the text may grow, a page ends at its last complete line; with none yet it is empty', () => {
    expect(pageBounds(whole('done\nhalf a li', false), 0, 100)).toEqual({ start: 0, end: 5 });
    expect(pageBounds(whole('half a li', false), 0, 100)).toEqual({ start: 0, end: 0 });
    expect(pageBounds(whole('done\nhalf a li', false), 2, 100)).toEqual({ start: 5, end: 5 });
  });

  test('after bytes dropped from the front, the page begins at the next line', () => {
    const dropped: KnownText = { bytes: Buffer.from('ne\nnext line\n'), from: 100, complete: true };
    expect(pageBounds(dropped, 0, 100)).toEqual({ start: 103, end: 113 });
  });

  test.each([1, 7, 100, 1000, KIB4 + 1, 100_000])('paging with maxLength %i returns every byte exactly once and always moves on', (maxLength) => {
    const text = whole(plainText());
    const pages = pageThrough(text, maxLength);
    expect(Buffer.concat(pages.map((p) => text.bytes.subarray(p.start, p.end))).equals(text.bytes)).toBe(true);
    for (const [i, page] of pages.slice(0, -1).entries()) {
      expect(page.end).toBeGreaterThan(page.start);
      expect(pages[i + 1]!.start).toBe(page.end);
    }
    expect(pages.at(-1)).toEqual({ start: text.bytes.length, end: text.bytes.length });
  });

  test('paging a text that is still growing loses nothing once it is complete', () => {
    const full = Buffer.from(plainText());
    let offset = 0;
    const seen: Buffer[] = [];
    for (let known = 0; known <= full.length; known += 997) {
      const text: KnownText = { bytes: full.subarray(0, known), from: 0, complete: false };
      const page = pageBounds(text, offset, 300);
      seen.push(full.subarray(page.start, page.end));
      offset = page.end;
    }
    for (;;) {
      const page = pageBounds(whole(full.toString()), offset, 300);
      if (page.end === offset) break;
      seen.push(full.subarray(page.start, page.end));
      offset = page.end;
    }
    expect(Buffer.concat(seen).equals(full)).toBe(true);
  });

  test('an offset chosen anywhere in or near a secret, with any length, shows no piece of it once redacted', () => {
    // The secret deep in a line longer than 4 KiB too, where pages may end at separators.
    const source = `${linesWithSecrets()}${'filler '.repeat(800)}token ${secretsLine()} end\n`;
    const text = whole(source);
    for (const at of secretOffsets(source)) {
      for (let offset = at - 12; offset < at + 45; offset++) {
        for (const maxLength of [1, 6, 12, 40, 200]) {
          const visible = redactSecrets(pageText(text, offset, maxLength));
          expect({ offset, maxLength, leaks: leakedFragments(visible) }).toEqual({ offset, maxLength, leaks: [] });
        }
      }
    }
  });

  test('paging through text with secrets shows no piece of them, whatever the page size', () => {
    const text = whole(linesWithSecrets());
    for (const maxLength of [1, 20, 64, 100]) {
      for (const { start, end } of pageThrough(text, maxLength)) {
        expect(leakedFragments(redactSecrets(text.bytes.subarray(start, end).toString()))).toEqual([]);
      }
    }
  });
});

function secretsLine(): string {
  return linesWithSecrets().split('\n')[1]!;
}
