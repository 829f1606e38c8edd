import { describe, expect, test } from '@jest/globals';
import { groupingScore } from '../../../src/learn/fingerprint/grouping-accuracy';

describe('groupingScore', () => {
  test('perfect grouping, whatever the label names', () => {
    const s = groupingScore(['x', 'x', 'y'], ['A', 'A', 'B']);
    expect(s).toMatchObject({ ga: 1, fga: 1, predictedGroups: 2, trueGroups: 2, correctGroups: 2 });
  });

  test('a merged group makes all its lines wrong', () => {
    // x holds A and B: wrong; y equals C: right.
    const s = groupingScore(['x', 'x', 'x', 'y'], ['A', 'A', 'B', 'C']);
    expect(s.ga).toBeCloseTo(1 / 4);
    expect(s.precision).toBeCloseTo(1 / 2);
    expect(s.recall).toBeCloseTo(1 / 3);
    expect(s.fga).toBeCloseTo((2 * (1 / 2) * (1 / 3)) / (1 / 2 + 1 / 3));
  });

  test('a split group makes all its lines wrong', () => {
    const s = groupingScore(['x', 'y', 'z'], ['A', 'A', 'B']);
    expect(s.ga).toBeCloseTo(1 / 3);
    expect(s.correctGroups).toBe(1);
  });

  test('mismatched lengths are an error naming both', () => {
    expect(() => groupingScore(['x'], [])).toThrow('got 1 and 0');
  });
});
