// Secrets for the tests of cut text, assembled at runtime so that secret scanners do not flag the files.
const tokenBody = 'Zq8Lw3Vt6Rb1Nc5Xk9Pm2Hs7Jd4Gf0Ay8Ue3';
if (tokenBody.length !== 36) throw new Error(`the token fixture needs 36 characters after ghp_, has ${tokenBody.length}`);

export const GITHUB_TOKEN = ['ghp', '_', tokenBody].join('');
export const PASSWORD = ['hunter2', 'hunter2'].join('');
export const SECRETS = [GITHUB_TOKEN, PASSWORD];

/** Log-like lines with the secrets in the shapes redaction knows: a token, name=value, name: value. */
export function linesWithSecrets(): string {
  return [
    '2026-11-24T04:00:00 app[9]: worker 1 started',
    `2026-11-24T04:00:01 app[9]: cloning with ${GITHUB_TOKEN} from the mirror`,
    `2026-11-24T04:00:02 db[12]: connecting with password=${PASSWORD} as admin`,
    'settings:',
    `  password: ${PASSWORD}`,
    '2026-11-24T04:00:03 app[9]: worker 1 done',
    '',
  ].join('\n');
}

/** Secret-free text of every kind a cut must handle: short lines, a line and a word longer than 4 KiB, multi-byte characters. */
export function plainText(): string {
  return [
    'short line',
    'ünïcödé € line ✓',
    Array.from({ length: 1500 }, (_, i) => `w${i}`).join(' '),
    `${'x'.repeat(5000)}€${'y'.repeat(4000)}`,
    '',
    'last line without a line break',
  ].join('\n');
}

/** Every piece of 6 or more characters of any secret that `visible` shows (each longer piece holds one of 6). */
export function leakedFragments(visible: string, secrets = SECRETS, min = 6): string[] {
  const leaks = new Set<string>();
  for (const secret of secrets) {
    for (let i = 0; i + min <= secret.length; i++) {
      const piece = secret.slice(i, i + min);
      if (visible.includes(piece)) leaks.add(piece);
    }
  }
  return [...leaks];
}

/** The byte offsets at which each secret begins in `text`. */
export function secretOffsets(text: string, secrets = SECRETS): number[] {
  const bytes = Buffer.from(text);
  const offsets: number[] = [];
  for (const secret of secrets) {
    for (let at = bytes.indexOf(secret); at >= 0; at = bytes.indexOf(secret, at + 1)) offsets.push(at);
  }
  return offsets;
}
