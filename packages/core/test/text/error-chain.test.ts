import { describe, expect, test } from '@jest/globals';
import { describeErrorChain, errorChain } from '../../src/text/error-chain';

describe('errorChain', () => {
  test('walks the cause chain outermost first, bounded', () => {
    const inner = new Error('EROFS: read-only file system');
    const outer = new Error('cannot write state.json', { cause: new Error('rename failed', { cause: inner }) });
    expect(errorChain(outer).map((e) => e.message)).toEqual(['cannot write state.json', 'rename failed', 'EROFS: read-only file system']);
    expect(errorChain(outer, 2)).toHaveLength(2);
    expect(describeErrorChain(outer)).toBe('cannot write state.json: rename failed: EROFS: read-only file system');
  });

  test('a cyclic chain ends, and a non-Error is stringified', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(errorChain(a, 100).map((e) => e.message)).toEqual(['a', 'b']);
    expect(describeErrorChain('plain')).toBe('plain');
    expect(describeErrorChain(new Error('x', { cause: 'not an error' }))).toBe('x');
  });
});
