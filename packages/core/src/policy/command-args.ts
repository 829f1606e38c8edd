// Pure helpers the built-in rules share to read a command's arguments: flags, operands, and
// whether an argument is only known at run time.
import type { Word } from './shell-parse';
import { literal } from './shell-words';
import { isLongOption } from './long-option';

export const texts = (ws: Word[]): (string | null)[] => ws.map(literal);

/** An argument whose value is only known at run time (not a glob): it could be any option too. */
export const unknownArg = (args: Word[]): boolean =>
  args.some((w) => {
    const c = w.cells[0];
    return !!c && 'dyn' in c && c.dyn !== '~';
  });

/** Flags given as -rf, -r -f, --recursive: is any of `short` or `long` present (before `--`)? */
export function hasFlag(args: Word[], short: string, long: string[]): boolean {
  for (const w of args) {
    const t = literal(w);
    if (t === null) continue;
    if (t === '--') return false;
    if (t.startsWith('--')) {
      if (isLongOption(t, long)) return true;
    } else if (t.startsWith('-') && [...t.slice(1)].some((c) => short.includes(c))) return true;
  }
  return false;
}

/** Operands: the words that are not options (everything after `--`). */
export function operands(args: Word[], withValue = ''): Word[] {
  const out: Word[] = [];
  let dd = false;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const t = literal(w);
    if (!dd && t === '--') {
      dd = true;
      continue;
    }
    if (!dd && t !== null && t.startsWith('-') && t !== '-') {
      if (t.length === 2 && withValue.includes(t[1]!)) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

/** The first operand's text: undefined when there is none, null when it is only known at run time. */
export function firstOperand(args: Word[]): string | null | undefined {
  const ops = operands(args, 'oc');
  return ops.length ? literal(ops[0]!) : undefined;
}
