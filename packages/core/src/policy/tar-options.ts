// tar's three option styles, read once for the tar rules: old style (`tar cIf PROG ARCHIVE`, the
// first word without a dash, each value-taking letter taking the next word in turn), short
// clusters (`-cf/tmp/x`, `-cI PROG`) and long options (`--to-c=sh`, abbreviations included).
import type { Word } from './shell-parse';
import { literal } from './shell-words';
import { attachedValue, longOptionName, resolveLongOption } from './long-option';

/** Short options that take a value. */
const VALUE_LETTERS = 'bCfFgHIKLNTVX';
const LONG_WITH_VALUE = ['file', 'directory', 'to-command', 'checkpoint-action', 'use-compress-program', 'info-script', 'new-volume-script', 'rsh-command', 'rmt-command', 'files-from', 'exclude-from', 'blocking-factor', 'listed-incremental', 'label', 'tape-length', 'owner', 'group', 'mode', 'mtime', 'newer', 'after-date', 'newer-mtime', 'suffix', 'transform', 'xform', 'exclude', 'format', 'checkpoint', 'volno-file', 'index-file', 'record-size', 'sparse-version', 'strip-components', 'warning', 'quoting-style', 'starting-file'];
const LONG_FLAGS = ['create', 'append', 'update', 'concatenate', 'catenate', 'extract', 'get', 'list', 'diff', 'compare', 'delete', 'test-label'];

export interface TarOption {
  /** A letter, or the long name as resolved. */
  name: string;
  value: Word | null;
}

export function readTarOptions(args: Word[]): TarOption[] {
  const out: TarOption[] = [];
  const all = [...LONG_WITH_VALUE, ...LONG_FLAGS];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const t = literal(w);
    if (t === null) continue;
    if (t === '--') break;
    const long = longOptionName(t);
    if (long !== null) {
      const m = resolveLongOption(long, all);
      const name = m.length === 1 ? m[0]! : long;
      const attached = attachedValue(t);
      if (attached !== null) out.push({ name, value: { cells: w.cells.slice(t.indexOf('=') + 1), raw: w.raw } });
      else if (m.some((x) => LONG_WITH_VALUE.includes(x))) out.push({ name, value: args[++i] ?? null });
      else out.push({ name, value: null });
      continue;
    }
    if (i === 0 && !t.startsWith('-')) {
      // Old style: every value-taking letter takes the next word, in order.
      let next = i + 1;
      for (const ch of t) out.push({ name: ch, value: VALUE_LETTERS.includes(ch) ? (args[next++] ?? null) : null });
      i = next - 1;
      continue;
    }
    if (!t.startsWith('-') || t === '-') continue;
    for (let k = 1; k < t.length; k++) {
      const ch = t[k]!;
      if (!VALUE_LETTERS.includes(ch)) {
        out.push({ name: ch, value: null });
        continue;
      }
      if (k + 1 < t.length) out.push({ name: ch, value: { cells: w.cells.slice(k + 1), raw: w.raw } });
      else out.push({ name: ch, value: args[++i] ?? null });
      break;
    }
  }
  return out;
}
