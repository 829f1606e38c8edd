// Deleting, moving, copying, editing in place and extracting files: the target is checked like a
// redirection (protected files denied, system paths confirmed), and whole system trees are refused.
import type { Word } from './shell-parse';
import { wordText } from './shell-parse';
import { literal } from './shell-words';
import { findStartPaths } from './command-wrappers';
import { splitOptions } from './split-options';
import { checkSecretRead, checkWriteTarget, reachesCatastrophicRoot } from './command-targets';
import { confirm, deny, fromTarget, type BuiltinRule, type Finding, type RuleEnv } from './command-rule-table';
import { sedScripts } from './command-rules-exec';
import { hasFlag, operands, texts, unknownArg } from './command-args';

const writes = (w: Word, verb: string, env: RuleEnv): Finding[] => fromTarget(checkWriteTarget(w, verb, env.ctx, env.cwds));

function rmFindings(program: string, args: Word[], env: RuleEnv): Finding[] {
  const out: Finding[] = [];
  const recursive = program === 'rmdir' ? false : hasFlag(args, 'rR', ['recursive']) || unknownArg(args);
  if (hasFlag(args, '', ['no-preserve-root'])) out.push(deny('rm-root', `${program} --no-preserve-root asks to delete the root filesystem`));
  for (const w of operands(args)) {
    const r = reachesCatastrophicRoot(w, env.cwds);
    if (recursive && r === 'yes') out.push(deny('rm-root', `${program} -r ${w.raw} deletes a system directory (/, /etc, /usr, /var, /home, ...) or all of its contents`));
    else if (recursive && r === 'maybe') out.push(confirm('rm-unknown-target', `${program} -r ${w.raw}: the path is not known until it runs and could be a system directory`, true));
    out.push(...fromTarget(checkWriteTarget(w, 'deletes', env.ctx, env.cwds)));
  }
  if (recursive) out.push(confirm('rm-recursive', `${program} -r deletes whole directory trees`));
  return out;
}

function chmodFindings(program: string, args: Word[], env: RuleEnv): Finding[] {
  const out: Finding[] = [];
  if (program === 'chmod') {
    const mode = operands(args).map(literal)[0] ?? '';
    if (/^[0-7]*[2-7][0-7]{3}$/.test(mode) || /[+=][rwxXt]*s/.test(mode)) out.push(confirm('setuid', `chmod ${mode} sets the setuid or setgid bit: the program then runs with its owner's rights`));
  }
  const recursive = hasFlag(args, 'R', ['recursive']) || unknownArg(args);
  // chmod/chown/chgrp: first operand is the mode or owner (unless --reference).
  const ops = operands(args);
  const targets = hasFlag(args, '', ['reference']) || program === 'chattr' || program === 'setfacl' ? ops.filter((w) => !/^[+-=]/.test(literal(w) ?? '')) : ops.slice(1);
  for (const w of targets) {
    const r = reachesCatastrophicRoot(w, env.cwds);
    if (r === 'yes' && (recursive || literal(w) !== null)) out.push(deny('chmod-root', `${program}${recursive ? ' -R' : ''} ${w.raw} changes permissions or ownership of a system directory tree`));
    else if (r === 'maybe' && recursive) out.push(confirm('unknown-target', `${program} -R ${w.raw}: the path is not known until it runs`, true));
    out.push(...fromTarget(checkWriteTarget(w, 'changes the permissions of', env.ctx, env.cwds)));
  }
  return out;
}

function copyFindings(program: string, args: Word[], env: RuleEnv): Finding[] {
  // cp/mv/install/ln [opts] SRC... DEST, or -t DIR SRC...
  const out: Finding[] = [];
  const { opts, rest } = splitOptions(args, { short: program === 'ln' ? 'tS' : 'tSZm', long: ['target-directory', 'suffix', 'backup', 'context', 'mode', 'owner', 'group'] });
  const tdir = opts.find((o) => o.name === 't' || o.name === 'target-directory');
  const ops = operands(rest);
  const dests = tdir?.value ? [tdir.value] : ops.slice(-1);
  const srcs = tdir?.value ? ops : ops.slice(0, -1);
  for (const d of dests) {
    out.push(...fromTarget(checkWriteTarget(d, 'writes', env.ctx, env.cwds)));
    // The destination may be a directory: the file lands at DEST/basename(SRC).
    for (const s of srcs) out.push(...fromTarget(checkWriteTarget(intoDir(d, s), 'writes', env.ctx, env.cwds)));
    if (program !== 'ln' && reachesCatastrophicRoot(d, env.cwds) !== 'no')
      out.push(confirm('system-write', `${program} into ${d.raw} can overwrite any file below a system directory`, true));
  }
  if (program === 'mv') {
    for (const s of srcs) {
      const r = reachesCatastrophicRoot(s, env.cwds);
      if (r === 'yes') out.push(deny('rm-root', `mv ${s.raw} moves a system directory away`));
      out.push(...fromTarget(checkWriteTarget(s, 'moves away', env.ctx, env.cwds)));
    }
  }
  if (program === 'cp' || program === 'install' || program === 'rsync' || program === 'scp') for (const s of srcs) out.push(...fromTarget(checkSecretRead(s, env.cwds)));
  if (program === 'rsync' && hasFlag(args, '', ['delete', 'delete-before', 'delete-during', 'delete-after', 'delete-delay', 'delete-excluded', 'remove-source-files'])) {
    for (const d of dests) if (reachesCatastrophicRoot(d, env.cwds) === 'yes') out.push(deny('rm-root', `rsync --delete into ${d.raw} deletes a system directory's contents`));
    out.push(confirm('rm-recursive', 'rsync --delete removes files that are not in the source'));
  }
  return out;
}

/** DEST/basename(SRC) as a word: where `cp SRC DEST/` puts the file. */
function intoDir(dest: Word, src: Word): Word {
  const cells = [...src.cells];
  let lastSlash = -1;
  cells.forEach((c, k) => {
    if ('ch' in c && c.ch === '/' && k < cells.length - 1) lastSlash = k;
  });
  const base = cells.slice(lastSlash + 1).filter((c, k, a) => !(k === a.length - 1 && 'ch' in c && c.ch === '/'));
  const baseText = base.map((c) => ('ch' in c ? c.ch : c.dyn)).join('');
  return { cells: [...dest.cells, { ch: '/', quoted: true }, ...base], raw: `${dest.raw.replace(/\/+$/, '')}/${baseText}` };
}


const rm: BuiltinRule = { id: 'rm', programs: ['rm', 'unlink', 'rmdir', 'srm'], findings: rmFindings };
const chmod: BuiltinRule = { id: 'chmod', programs: ['chmod', 'chown', 'chgrp', 'chattr', 'setfacl', 'chcon'], findings: chmodFindings };
const copy: BuiltinRule = { id: 'copy', programs: ['cp', 'mv', 'install', 'ln', 'rsync', 'scp'], findings: copyFindings };

const find: BuiltinRule = {
  id: 'find',
  programs: ['find'],
  findings(_program, args, env) {
    const out: Finding[] = [];
    const t = texts(args);
    const starts = findStartPaths(args);
    const deletes = t.includes('-delete');
    if (!deletes && unknownArg(args) && starts.some((st) => reachesCatastrophicRoot(st, env.cwds) !== 'no'))
      out.push(confirm('unknown-target', `find ${args.map((a) => a.raw).join(' ')}: arguments not known until run time could add -delete or -exec`, true));
    if (deletes) {
      for (const s of starts) if (reachesCatastrophicRoot(s, env.cwds) === 'yes') out.push(deny('rm-root', `find ${s.raw} -delete deletes inside a system directory`));
      out.push(confirm('rm-recursive', 'find -delete deletes every file it matches'));
    }
    for (let i = 0; i < args.length; i++) if (/^-(fprint|fprint0|fprintf|fls)$/.test(t[i] ?? '') && args[i + 1]) out.push(...writes(args[i + 1]!, 'writes', env));
    return out;
  },
};

const tee: BuiltinRule = { id: 'tee', programs: ['tee'], findings: (_program, args, env) => operands(args).flatMap((w) => writes(w, 'tee writes', env)) };
const truncate: BuiltinRule = { id: 'truncate', programs: ['truncate'], findings: (_program, args, env) => operands(args, 'sr').flatMap((w) => writes(w, 'truncates', env)) };
const create: BuiltinRule = { id: 'create', programs: ['touch', 'mkdir', 'mkfifo', 'mknod'], findings: (_program, args, env) => operands(args, 'dtrm').flatMap((w) => writes(w, 'creates', env)) };

const uniq: BuiltinRule = {
  id: 'uniq',
  programs: ['uniq'],
  findings(_program, args, env) {
    const ops = operands(args, 'fsw');
    return ops.length > 1 ? writes(ops[1]!, 'writes', env) : [];
  },
};

const sedInPlace: BuiltinRule = {
  id: 'sed-in-place',
  programs: ['sed'],
  findings(_program, args, env) {
    const sed = sedScripts(args);
    return sed.inPlace ? sed.files.flatMap((w) => writes(w, 'sed -i edits', env)) : [];
  },
};

const perlInPlace: BuiltinRule = {
  id: 'perl-in-place',
  programs: [],
  programPattern: /^perl/,
  findings(program, args, env) {
    if (!texts(args).some((x) => x !== null && /^-[a-zA-Z]*i/.test(x))) return [];
    return operands(args, 'eEIM').flatMap((w) => writes(w, `${program} -i edits`, env));
  },
};

const script: BuiltinRule = { id: 'script', programs: ['script'], findings: (_program, args, env) => operands(args, 'cEIOBTtm').flatMap((w) => writes(w, 'script writes', env)) };

const extract: BuiltinRule = {
  id: 'extract',
  programs: ['unzip', 'cpio'],
  findings(program, args, env) {
    const t = texts(args);
    const dirIdx = t.findIndex((x) => x === '-d' || x === '-D' || x === '--directory');
    const dir = dirIdx !== -1 ? args[dirIdx + 1] : args.find((w) => /^--directory=/.test(wordText(w)));
    const target = dir ? (wordText(dir).startsWith('--directory=') ? { cells: dir.cells.slice(12), raw: dir.raw.slice(12) } : dir) : { cells: [{ ch: '.', quoted: true }], raw: '.' };
    return reachesCatastrophicRoot(target, env.cwds) === 'yes' ? [confirm('system-write', `${program} extracts into ${target.raw}, a system directory: the archive can overwrite any file below it`)] : [];
  },
};

export const FILE_RULES: readonly BuiltinRule[] = [rm, chmod, copy, find, tee, truncate, create, uniq, sedInPlace, perlInPlace, script, extract];
