import { open } from 'node:fs/promises';

/**
 * The last `bytes` of a file, starting at a line boundary (a cut first line is not a whole entry);
 * '' when the file does not exist. Other errors reject with the path named.
 */
export async function tailFile(path: string, bytes: number): Promise<string> {
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new Error(`couldn't open ${path}`, { cause: err });
  });
  if (!fh) return '';
  try {
    const { size } = await fh.stat();
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    return start > 0 ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    await fh.close();
  }
}
