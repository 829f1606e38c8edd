import { describe, expect, test } from '@jest/globals';
import { visibleText } from '../../src/index';

describe('visibleText', () => {
  test('plain text is unchanged', () => {
    expect(visibleText('systemctl restart nginx.service')).toBe('systemctl restart nginx.service');
  });

  test('escapes, controls, newlines, bidi overrides and zero-width characters become \\uXXXX', () => {
    expect(visibleText('a\u001b[2Jb\nc\u202ed\u200be\u2066f')).toBe('a\\u001b[2Jb\\u000ac\\u202ed\\u200be\\u2066f');
    // A backslash is doubled, so "\u001b" typed out cannot pass for an escaped one.
    expect(visibleText('x\\u001by')).toBe('x\\\\u001by');
  });

  test('bounded', () => {
    expect(visibleText('y'.repeat(1000), 10)).toBe(`${'y'.repeat(10)}…`);
  });
});
