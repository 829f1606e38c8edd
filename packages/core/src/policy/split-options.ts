// Splits a program's arguments into options and operands the way getopt/getopt_long do, from a
// table of which options take a value. Where the inner command of a wrapper starts, and which
// word is a rule's target, depend on this, so every rule splits through here.
import type { Word } from './shell-parse';
import { literal } from './shell-words';
import { resolveLongOption } from './long-option';

export interface OptSpec {
  /** Short options that take a value (the rest of the cluster, or the next word). */
  short?: string;
  /** Short options whose value is optional: only the rest of the cluster, never the next word (`sed -i[SUF]`). */
  optShort?: string;
  /** Long options that take a value (`--opt=value` or the next word). */
  long?: readonly string[];
  /** Long options whose value is optional: only `--opt=value` (`--in-place[=SUF]`). */
  optLong?: readonly string[];
  /** Long options without a value that rules ask about, so their abbreviations resolve to them. */
  flags?: readonly string[];
  /** GNU argument permutation: options may follow operands (su, systemctl). `--` still ends them. */
  permute?: boolean;
}

export interface ParsedOpt {
  /** The short letter, or the long name as resolved (an abbreviation becomes the full name when unambiguous). */
  name: string;
  long: boolean;
  /** A long name found in the spec's tables (then compared exactly), rather than a spelling passed through. */
  known?: boolean;
  value: Word | null;
}

const slice = (w: Word, from: number): Word => ({ cells: w.cells.slice(from), raw: w.raw });

/** Splits `args` into options and the operands (in permute mode: all operands; else those from the first one on). */
export function splitOptions(args: Word[], spec: OptSpec): { opts: ParsedOpt[]; rest: Word[] } {
  const opts: ParsedOpt[] = [];
  const rest: Word[] = [];
  const long = spec.long ?? [];
  const optLong = spec.optLong ?? [];
  const names = [...long, ...optLong, ...(spec.flags ?? [])];
  let i = 0;
  while (i < args.length) {
    const w = args[i]!;
    const t = literal(w);
    if (t === '--') {
      rest.push(...args.slice(i + 1));
      return { opts, rest };
    }
    if (t === null || t === '-' || !t.startsWith('-')) {
      if (!spec.permute) break;
      rest.push(w);
      i++;
      continue;
    }
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const given = eq === -1 ? t.slice(2) : t.slice(2, eq);
      const matches = resolveLongOption(given, names);
      const known = matches.length === 1;
      const name = known ? matches[0]! : given;
      if (eq !== -1) opts.push({ name, long: true, known, value: slice(w, eq + 1) });
      // An ambiguous abbreviation that could take a value is read as taking one: where the inner
      // command starts then moves right, and getopt_long refuses to run it anyway.
      else if (matches.some((m) => long.includes(m))) {
        opts.push({ name, long: true, known, value: args[i + 1] ?? null });
        i++;
      } else opts.push({ name, long: true, known, value: null });
      i++;
      continue;
    }
    // A cluster like -abc, -ufoo, -i.bak.
    let consumedNext = false;
    for (let k = 1; k < t.length; k++) {
      const ch = t[k]!;
      if (spec.short?.includes(ch)) {
        if (k + 1 < t.length) opts.push({ name: ch, long: false, value: slice(w, k + 1) });
        else {
          opts.push({ name: ch, long: false, value: args[i + 1] ?? null });
          consumedNext = true;
        }
        break;
      }
      if (spec.optShort?.includes(ch)) {
        opts.push({ name: ch, long: false, value: k + 1 < t.length ? slice(w, k + 1) : null });
        break;
      }
      opts.push({ name: ch, long: false, value: null });
    }
    i += consumedNext ? 2 : 1;
  }
  rest.push(...args.slice(i));
  return { opts, rest };
}

const isOneOf = (o: ParsedOpt, names: string[]): boolean =>
  !o.long || o.known ? names.includes(o.name) : resolveLongOption(o.name, names.filter((n) => n.length > 1)).length > 0;

/**
 * Is any of `names` among the options? Single letters match short options, longer names long ones;
 * a long spelling the spec's tables did not resolve counts if it abbreviates one of `names`.
 */
export function hasOpt(opts: ParsedOpt[], ...names: string[]): boolean {
  return opts.some((o) => isOneOf(o, names));
}

/** The first option among `names` (as for hasOpt). */
export function findOpt(opts: ParsedOpt[], ...names: string[]): ParsedOpt | undefined {
  return opts.find((o) => isOneOf(o, names));
}
