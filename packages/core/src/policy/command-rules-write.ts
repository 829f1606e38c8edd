// Programs that write a file named by an option or operand: sort -o, shuf -o, iconv -o, split's
// prefix, hard links, curl/wget output files, tar c -f. The named file is checked like a
// redirection target (protected files denied, /etc and system paths confirmed).
import type { Word } from './shell-parse';
import { splitOptions, type OptSpec } from './split-options';
import { checkSecretRead, checkWriteTarget, reachesCatastrophicRoot } from './command-targets';
import { confirm, fromTarget, type BuiltinRule, type Finding, type RuleEnv } from './command-rule-table';
import { literalWord } from './shell-words';
import { readTarOptions } from './tar-options';

const writes = (w: Word, verb: string, env: RuleEnv): Finding[] => fromTarget(checkWriteTarget(w, verb, env.ctx, env.cwds));

/** A rule for "the value of these options is a file the program writes". */
function outputOption(id: string, programs: string[], spec: OptSpec, outputs: string[]): BuiltinRule {
  return {
    id,
    programs,
    findings(program, args, env) {
      const { opts } = splitOptions(args, { permute: true, ...spec });
      return opts.filter((o) => outputs.includes(o.name) && o.value).flatMap((o) => writes(o.value!, `${program} writes`, env));
    },
  };
}

const split: BuiltinRule = {
  id: 'split-prefix',
  programs: ['split', 'csplit'],
  findings(program, args, env) {
    const { opts, rest } = splitOptions(args, program === 'split' ? { short: 'abCdlnt', long: ['suffix-length', 'additional-suffix', 'bytes', 'line-bytes', 'lines', 'number', 'separator', 'filter'], optLong: ['numeric-suffixes', 'hex-suffixes'], permute: true } : { short: 'bfn', long: ['suffix-format', 'prefix', 'digits'], permute: true });
    const out: Finding[] = [];
    // split [INPUT [PREFIX]]; csplit -f PREFIX. The files are PREFIXaa, PREFIXab ...: check PREFIX followed by anything.
    const prefixes = program === 'split' ? rest.slice(1, 2) : opts.filter((o) => (o.name === 'f' || o.name === 'prefix') && o.value).map((o) => o.value!);
    for (const p of prefixes) out.push(...writes({ cells: [...p.cells, { ch: '*', quoted: false }], raw: `${p.raw}*` }, `${program} writes`, env));
    if (program === 'split' && opts.some((o) => o.name === 'filter')) out.push({ action: 'confirm', rule: 'default:confirm:inline-code', reason: 'split --filter runs a shell command for each piece', level: 'default' });
    return out;
  },
};

/** A hard link is a second name for the same file: writing through it writes the original. */
const hardLink: BuiltinRule = {
  id: 'hard-link',
  programs: ['ln', 'link'],
  findings(program, args, env) {
    const { opts, rest } = splitOptions(args, { short: 'tS', long: ['target-directory', 'suffix', 'backup'], flags: ['symbolic', 'force', 'no-dereference', 'relative', 'logical', 'physical'] });
    if (opts.some((o) => o.name === 's' || o.name === 'symbolic')) return [];
    const targetDir = opts.some((o) => o.name === 't' || o.name === 'target-directory');
    const srcs = program === 'link' ? rest.slice(0, 1) : targetDir || rest.length === 1 ? rest : rest.slice(0, -1);
    return srcs.flatMap((s) => [...writes(s, `${program} makes a hard link to (a second name for writing)`, env), ...fromTarget(checkSecretRead(s, env.cwds))]);
  },
};

/** tar c/r/u -f ARCHIVE writes ARCHIVE (old style, clusters, --file=, abbreviations). */
const tarArchive: BuiltinRule = {
  id: 'tar-archive',
  programs: ['tar', 'gtar', 'bsdtar'],
  findings(program, args, env) {
    const opts = readTarOptions(args);
    if (!opts.some((o) => ['c', 'r', 'u', 'A', 'create', 'append', 'update', 'concatenate', 'catenate'].includes(o.name))) return [];
    return opts.filter((o) => (o.name === 'f' || o.name === 'file') && o.value).flatMap((o) => writes(o.value!, `${program} writes`, env));
  },
};

/** tar x into a system directory (-C /, --directory=/usr, or the cwd): the archive can overwrite anything below it. */
const tarExtract: BuiltinRule = {
  id: 'tar-extract',
  programs: ['tar', 'gtar', 'bsdtar'],
  findings(program, args, env) {
    const opts = readTarOptions(args);
    if (!opts.some((o) => ['x', 'extract', 'get'].includes(o.name))) return [];
    const dir = opts.filter((o) => (o.name === 'C' || o.name === 'directory') && o.value).pop()?.value ?? literalWord('.');
    return reachesCatastrophicRoot(dir, env.cwds) === 'yes'
      ? [confirm('system-write', `${program} extracts into ${dir.raw}, a system directory: the archive can overwrite any file below it`)]
      : [];
  },
};

export const WRITE_RULES: readonly BuiltinRule[] = [
  tarExtract,
  outputOption('sort-output', ['sort'], { short: 'kStTo', long: ['key', 'buffer-size', 'field-separator', 'temporary-directory', 'output', 'parallel', 'batch-size', 'compress-program', 'files0-from', 'sort', 'random-source'] }, ['o', 'output']),
  outputOption('shuf-output', ['shuf'], { short: 'inoe', long: ['input-range', 'head-count', 'output', 'random-source'] }, ['o', 'output']),
  outputOption('iconv-output', ['iconv'], { short: 'fto', long: ['from-code', 'to-code', 'output'] }, ['o', 'output']),
  outputOption('curl-output', ['curl'], { short: 'oDcKdFHXAuTe', long: ['output', 'dump-header', 'cookie-jar', 'config', 'data', 'form', 'header', 'request', 'user-agent', 'user', 'upload-file', 'referer', 'trace', 'trace-ascii', 'stderr', 'etag-save', 'hsts', 'alt-svc', 'libcurl'] }, ['o', 'output', 'D', 'dump-header', 'c', 'cookie-jar', 'trace', 'trace-ascii', 'stderr', 'etag-save', 'libcurl']),
  outputOption('wget-output', ['wget'], { short: 'OoaPe', long: ['output-document', 'output-file', 'append-output', 'directory-prefix', 'execute'] }, ['O', 'output-document', 'o', 'output-file', 'a', 'append-output']),
  outputOption('trace-output', ['strace', 'ltrace', 'time'], { short: 'abeEIoOpPsSuUXfl', long: ['output', 'format'], permute: false }, ['o', 'output']),
  split,
  hardLink,
  tarArchive,
];
