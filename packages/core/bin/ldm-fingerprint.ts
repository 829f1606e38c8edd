// Entry of dist/ldm-fingerprint.mjs (`npm run fingerprint -- FILE...`): wiring only. A command,
// not library code, so it lives outside src/: only here may the core package write to stdout.
// It imports the fingerprint modules directly rather than @ldm/core, so start-up stays small.
import { createReadStream } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import { writeFileAtomic } from '../src/state/atomic-write';
import { runFingerprintCli } from '../src/learn/fingerprint/fingerprint-cli';

const writeOut = (chunk: string): Promise<void> =>
  new Promise((resolve, reject) => {
    process.stdout.write(chunk, (err) => (err ? reject(err) : resolve()));
  });

async function* stdin(): AsyncIterable<string> {
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) yield chunk as string;
}

async function* readChunks(path: string): AsyncIterable<string> {
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) yield chunk as string;
}

try {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  process.exitCode = await runFingerprintCli(process.argv.slice(2), {
    readFile: (path) => readFile(path, 'utf8'),
    readChunks,
    stdin,
    writeOut,
    writeErr: (text) => void process.stderr.write(text),
    fileExists: (path) => access(path).then(() => true, () => false),
    // /dev/stdout and friends can't be renamed over: write those directly.
    writeFileAtomic: (path, data) => (path.startsWith('/dev/') ? writeFile(path, data) : writeFileAtomic(path, data)),
  });
} catch (err) {
  process.stderr.write(`ldm-fingerprint: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 70;
}
