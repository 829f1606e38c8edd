import { describe, expect, it } from '@jest/globals';
import { cutText } from '../../src/text/cut-text';

describe('cutText', () => {
  it('leaves a text within the limit as it is', () => {
    expect(cutText('short text', 10)).toBe('short text');
  });

  it('cuts a long text to the limit, at a word boundary, and says how much was cut', () => {
    const text = 'word '.repeat(1000);
    const out = cutText(text, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out).toMatch(/^(word )*word …\[\d+ more chars cut\]$/);
    const kept = out.slice(0, out.indexOf(' …['));
    expect(Number(/\[(\d+) more/.exec(out)![1])).toBe(text.length - kept.length);
  });

  it('cuts a text without spaces at the limit and never splits a surrogate pair', () => {
    const out = cutText('😀'.repeat(100), 50, () => '!');
    expect(out.length).toBeLessThanOrEqual(50);
    expect(out.endsWith('!')).toBe(true);
    expect(out.slice(0, -1)).toBe('😀'.repeat((out.length - 1) / 2));
  });

  it('takes bounded time on a 10 MB text', () => {
    const started = performance.now();
    expect(cutText('x'.repeat(10_000_000), 2048).length).toBeLessThanOrEqual(2048);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
