import { describe, expect, it } from '@jest/globals';
import { MAX_TEMPLATE_CHARS } from '../../src/text/cap-template';
import { statelessFingerprint } from '../../src/learn/pattern-fingerprinter';
import { PatternSchema, PatternCheckSchema } from '../../src/state/schemas';

const HUGE = 10_000_000;

describe('statelessFingerprint on huge input', () => {
  it.each([
    ['a run of digits', '1'.repeat(HUGE)],
    ['numbers and words', 'a 1 '.repeat(HUGE / 4)],
    ['one long word', 'x'.repeat(HUGE)],
    ['words', 'word '.repeat(HUGE / 5)],
  ])('masks 10 MB of %s in bounded time into a template of at most MAX_TEMPLATE_CHARS', (_name, text) => {
    const started = performance.now();
    const { template } = statelessFingerprint(text);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(template.length).toBeLessThanOrEqual(MAX_TEMPLATE_CHARS);
  });

  it('gives lines that differ only past the limit one fingerprint', () => {
    const head = 'disk error on sector 5 '.repeat(200);
    expect(statelessFingerprint(head + 'A'.repeat(10)).fingerprint).toBe(statelessFingerprint(head + 'B'.repeat(HUGE)).fingerprint);
  });

  it('leaves a short message whole', () => {
    expect(statelessFingerprint('Failed to start nginx.service pid 1234').template).toBe('Failed to start <*> pid <*>');
  });
});

describe('templates read back from patterns.json', () => {
  it('are cut to MAX_TEMPLATE_CHARS, signatures of checks too', () => {
    const pattern = PatternSchema.parse({ id: 'p', fingerprint: 'f', template: 'x '.repeat(HUGE / 2), firstSeen: 't', lastSeen: 't' });
    expect(pattern.template.length).toBeLessThanOrEqual(MAX_TEMPLATE_CHARS);
    const check = PatternCheckSchema.parse({ kind: 'journal-absent', signature: '<*> y'.repeat(HUGE / 5) });
    expect(check.kind === 'journal-absent' && check.signature.length).toBeLessThanOrEqual(MAX_TEMPLATE_CHARS);
  });
});
