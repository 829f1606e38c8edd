import { parseArgs } from 'node:util';
import { EXIT } from '../../exit-codes';
import { Fingerprinter } from './fingerprinter';
import { syslogMessage } from './syslog-header';

export const FINGERPRINT_USAGE = `Usage: ldm-fingerprint [options] [FILE...]

Reads log lines from each FILE in order (stdin when none is given, or for a FILE of -; e.g.
journalctl -o short --no-pager | ldm-fingerprint -) and prints, for every input
line, "<fingerprint>\\t<template>". A syslog or journalctl header (timestamp, host, ident[pid]:)
is kept out of the template. The parser learns as it reads; each line gets the id of the group it
ends up in, and by default the template printed is that group's final one.

Options:
  --stream          print each line as soon as it is read, with the id and template known at
                    that time (a group may later merge into another: see docs/fingerprint.md)
  --no-header       the lines are bare messages: don't look for a syslog header
  --state FILE      load the parser from FILE if it exists, and save it there at the end
  --max-clusters N  most templates kept (default 1000 with --state, else 100000)
  -h, --help        show this help and exit
`;

export interface FingerprintCliDeps {
  readFile(path: string): Promise<string>;
  /** A file's content as text chunks: input files are streamed, not held whole. */
  readChunks(path: string): AsyncIterable<string>;
  /** stdin, as text chunks. */
  stdin(): AsyncIterable<string>;
  writeOut(chunk: string): Promise<void>;
  writeErr(text: string): void;
  fileExists(path: string): Promise<boolean>;
  writeFileAtomic(path: string, data: string): Promise<void>;
}

class UsageError extends Error {}

interface Options {
  files: string[];
  stream: boolean;
  header: boolean;
  state: string | undefined;
  maxClusters: number;
}

function parse(argv: string[]): Options | 'help' {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        stream: { type: 'boolean', default: false },
        'no-header': { type: 'boolean', default: false },
        state: { type: 'string' },
        'max-clusters': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
  if (values.help) return 'help';
  const rawMax = values['max-clusters'];
  const maxClusters = rawMax === undefined ? (values.state === undefined ? 100_000 : 1000) : Number(rawMax);
  if (!Number.isInteger(maxClusters) || maxClusters < 1) {
    throw new UsageError(`expected --max-clusters to be a positive integer, got \`${rawMax}\``);
  }
  return { files: positionals, stream: values.stream, header: !values['no-header'], state: values.state, maxClusters };
}

const CHUNK_LINES = 8192;

/** The fingerprint command: returns the process exit code. */
export async function runFingerprintCli(argv: string[], deps: FingerprintCliDeps): Promise<number> {
  let opts: Options | 'help';
  try {
    opts = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    deps.writeErr(`ldm-fingerprint: ${err.message}\n\n${FINGERPRINT_USAGE}`);
    return EXIT.USAGE;
  }
  if (opts === 'help') {
    await deps.writeOut(FINGERPRINT_USAGE);
    return EXIT.OK;
  }
  const { header, stream } = opts;
  let fp: Fingerprinter;
  if (opts.state !== undefined && (await deps.fileExists(opts.state))) {
    const text = await deps.readFile(opts.state);
    try {
      fp = Fingerprinter.fromJSON(JSON.parse(text), { maxClusters: opts.maxClusters });
    } catch (err) {
      deps.writeErr(`ldm-fingerprint: couldn't load state ${opts.state}: ${(err as Error).message}\n`);
      return EXIT.CONFIG;
    }
  } else fp = new Fingerprinter({ maxClusters: opts.maxClusters });

  // Without --stream, ids are collected and printed at the end with their groups' final templates.
  const ids: string[] = [];
  let out: string[] = [];
  const flush = async (): Promise<void> => {
    if (out.length === 0) return;
    out.push('');
    const chunk = out.join('\n');
    out = [];
    await deps.writeOut(chunk);
  };
  const onLine = (line: string): void => {
    const message = header ? syslogMessage(line) : line;
    const r = fp.learn(message);
    if (stream) out.push(`${r.fingerprint}\t${r.template}`);
    else ids.push(r.fingerprint);
  };
  const eachLine = async (text: string, rest: string, last: boolean): Promise<string> => {
    let start = 0;
    const buf = rest + text;
    for (;;) {
      const nl = buf.indexOf('\n', start);
      if (nl === -1) break;
      let end = nl;
      if (end > start && buf.charCodeAt(end - 1) === 13) end--;
      onLine(buf.slice(start, end));
      start = nl + 1;
      if (out.length >= CHUNK_LINES) await flush();
    }
    const tail = buf.slice(start);
    if (last && tail.length > 0) {
      onLine(tail.endsWith('\r') ? tail.slice(0, -1) : tail);
      return '';
    }
    return tail;
  };

  try {
    const inputs: Array<[string, () => AsyncIterable<string>]> =
      opts.files.length === 0 ? [['stdin', deps.stdin]] : opts.files.map((f) => (f === '-' ? ['stdin', deps.stdin] : [f, () => deps.readChunks(f)]));
    for (const [name, open] of inputs) {
      let rest = '';
      try {
        for await (const chunk of open()) rest = await eachLine(chunk, rest, false);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EPIPE') throw err;
        deps.writeErr(`ldm-fingerprint: couldn't read ${name}: ${(err as Error).message}\n`);
        return EXIT.IO_ERROR;
      }
      await eachLine('', rest, true);
    }
    if (stream) await flush();
    else {
      const rows = new Map<string, string>();
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k]!;
        let row = rows.get(id);
        if (row === undefined) {
          // A group merged into another is printed under the id of the group that took it; an
          // evicted group has no template any more, but its id still names it.
          const final = fp.resolve(id);
          row = `${final}\t${fp.template(final) ?? ''}`;
          rows.set(id, row);
        }
        out.push(row);
        if (out.length >= CHUNK_LINES) await flush();
      }
      await flush();
    }
  } catch (err) {
    // A closed stdout (`| head`) is not a failure of ours.
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return EXIT.OK;
    throw err;
  }
  if (opts.state !== undefined) {
    try {
      await deps.writeFileAtomic(opts.state, JSON.stringify(fp.toJSON()));
    } catch (err) {
      deps.writeErr(`ldm-fingerprint: couldn't save state ${opts.state}: ${(err as Error).message}\n`);
      return EXIT.CANT_CREATE;
    }
  }
  return EXIT.OK;
}
