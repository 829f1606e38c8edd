import { describe, expect, it } from '@jest/globals';
import { compareCodeUnits } from '../../src/text/compare-code-units';

describe('compareCodeUnits', () => {
  it('orders ISO times and ids as their characters do, not by a locale collation', () => {
    // A collation puts lower case before upper case and ignores punctuation at first; ids and
    // times need the plain order.
    const ids = ['inc-b', 'inc-B', 'inc-a', 'inc_a', 'inc-10', 'inc-9'];
    expect([...ids].sort(compareCodeUnits)).toEqual(['inc-10', 'inc-9', 'inc-B', 'inc-a', 'inc-b', 'inc_a']);
    const times = ['2026-11-02T10:00:00.000Z', '2026-11-02T09:59:59.999Z', '2025-12-31T23:59:59.000Z'];
    expect([...times].sort(compareCodeUnits)).toEqual(['2025-12-31T23:59:59.000Z', '2026-11-02T09:59:59.999Z', '2026-11-02T10:00:00.000Z']);
  });

  it('returns 0 only for equal strings', () => {
    expect(compareCodeUnits('a', 'a')).toBe(0);
    expect(compareCodeUnits('a', 'b')).toBeLessThan(0);
    expect(compareCodeUnits('b', 'a')).toBeGreaterThan(0);
  });
});
