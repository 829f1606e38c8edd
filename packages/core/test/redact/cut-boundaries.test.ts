import { describe, test, expect } from '@jest/globals';
import { BOUNDARY_SEARCH_BYTES, completeUtf8Length, cutBoundaries, redactSecrets } from '@ldm/core';
import { leakedFragments, linesWithSecrets, SECRETS } from './secret-fixture';

const shown = (text: string | Buffer, cut: { front: boolean; back: boolean }) => {
  const buf = Buffer.from(text);
  const { start, end } = cutBoundaries(buf, cut);
  return buf.subarray(start, end).toString('utf8');
};

describe('cutBoundaries', () => {
  test('sides that were not cut are left as they are, even inside a word', () => {
    expect(cutBoundaries(Buffer.from('ken123 rest\nmore tok'), { front: false, back: false })).toEqual({ start: 0, end: 20 });
    expect(shown('ken123 rest\nmore tok', { front: true, back: false })).toBe('more tok');
    expect(shown('ken123 rest\nmore tok', { front: false, back: true })).toBe('ken123 rest\n');
  });

  test('a line break is preferred to a separator nearer the cut', () => {
    expect(shown('ord, still partial\nwhole line\nfirst half of a li', { front: true, back: true })).toBe('whole line\n');
  });

  test('with no line break within 4 KiB of the cut, a separator; the back keeps it', () => {
    const longLine = `rd ${'a'.repeat(BOUNDARY_SEARCH_BYTES)} \nnext`;
    expect(shown(longLine, { front: true, back: false })).toBe(`${'a'.repeat(BOUNDARY_SEARCH_BYTES)} \nnext`);
    const longEnd = `start\n${'b'.repeat(BOUNDARY_SEARCH_BYTES)} wo`;
    expect(shown(longEnd, { front: false, back: true })).toBe(`start\n${'b'.repeat(BOUNDARY_SEARCH_BYTES)} `);
    const separators = '\t\n\v\f\r "\'`,;&{}[]()<>|';
    for (const sep of separators) expect(shown(`abc${sep}def${'x'.repeat(BOUNDARY_SEARCH_BYTES)}`, { front: true, back: false })).toMatch(/^def/);
    for (const notSep of '=:./-_+$@') expect(shown(`abc${notSep}def${'x'.repeat(BOUNDARY_SEARCH_BYTES)}`, { front: true, back: false })).toMatch(/^abc/);
  });

  test('a boundary further than 4 KiB from the cut does not count', () => {
    const text = `${'a'.repeat(BOUNDARY_SEARCH_BYTES)} tail`;
    expect(cutBoundaries(Buffer.from(text), { front: true, back: false }).start).toBe(0);
  });

  test('no boundary within 4 KiB: the window is kept, cut between characters (the limit)', () => {
    const word = 'z'.repeat(2 * BOUNDARY_SEARCH_BYTES);
    expect(cutBoundaries(Buffer.from(word), { front: true, back: true })).toEqual({ start: 0, end: word.length });
  });

  test('a window shorter than 4 KiB with no boundary holds no whole word: it comes back empty', () => {
    expect(shown('partofatoken', { front: true, back: false })).toBe('');
    expect(shown('partofatoken', { front: false, back: true })).toBe('');
    expect(shown('partofatoken', { front: true, back: true })).toBe('');
  });

  test('never begins or ends inside a multi-byte character', () => {
    const euros = Buffer.from('€'.repeat(2 * BOUNDARY_SEARCH_BYTES));
    const cutInside = euros.subarray(1, euros.length - 1);
    const { start, end } = cutBoundaries(cutInside, { front: true, back: true });
    expect([start, end]).toEqual([2, cutInside.length - 2]);
    expect(cutInside.subarray(start, end).toString('utf8')).toBe('€'.repeat(2 * BOUNDARY_SEARCH_BYTES - 2));
  });

  test('completeUtf8Length leaves out a character cut off at the end', () => {
    expect(completeUtf8Length(Buffer.from('a€').subarray(0, 3))).toBe(1);
    expect(completeUtf8Length(Buffer.from('a€'))).toBe(4);
  });

  test('a tail or a head cut anywhere shows no piece of a secret once redacted', () => {
    const text = Buffer.from(linesWithSecrets());
    for (let cut = 1; cut < text.length; cut++) {
      const tail = text.subarray(cut);
      const head = text.subarray(0, cut);
      expect({ cut, leaks: leakedFragments(redactSecrets(shown(tail, { front: true, back: false }))) }).toEqual({ cut, leaks: [] });
      expect({ cut, leaks: leakedFragments(redactSecrets(shown(head, { front: false, back: true }))) }).toEqual({ cut, leaks: [] });
    }
    // The same cuts without the boundaries do leak: the test can fail.
    expect(SECRETS.some((s) => leakedFragments(redactSecrets(text.subarray(text.indexOf(s) + 4).toString())).length > 0)).toBe(true);
  });
});
