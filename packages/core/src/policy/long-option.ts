// GNU getopt_long accepts any unambiguous prefix of a long option (`--adj` for `--adjustment`,
// `--in-pl` for `--in-place`) and `--name=value`. Every rule that looks for a long option asks
// here, so no rule misses a spelling. Names are written without the leading dashes.

/** The name in `--name` or `--name=value`; null for anything else (short options, operands, `--`). */
export function longOptionName(arg: string | null): string | null {
  if (arg === null || !arg.startsWith('--') || arg.length === 2) return null;
  const eq = arg.indexOf('=');
  return eq === -1 ? arg.slice(2) : arg.slice(2, eq);
}

/** The text after the first `=` of `--name=value`, or null when no value is attached. */
export function attachedValue(arg: string): string | null {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq !== -1 ? arg.slice(eq + 1) : null;
}

/**
 * Which of `names` the written name `given` selects: an exact match, else every name it is a
 * prefix of (more than one means getopt_long would call it ambiguous).
 */
export function resolveLongOption(given: string, names: readonly string[]): string[] {
  if (given === '') return [];
  if (names.includes(given)) return [given];
  return names.filter((n) => n.startsWith(given));
}

/**
 * Could the word `arg` (e.g. "--in-pl" or "--output=/x") be one of the long options `names`?
 * An ambiguous prefix counts too: getopt_long refuses it, so counting it only errs on the strict side.
 */
export function isLongOption(arg: string | null, names: readonly string[]): boolean {
  const given = longOptionName(arg);
  return given !== null && resolveLongOption(given, names).length > 0;
}
