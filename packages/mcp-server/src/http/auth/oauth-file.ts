import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { acquireDocumentLock, createLockFs, defaultHolderProbe, ensureDir, writeFileAtomic, type LockFs } from '@ldm/core';
import { emptyOAuthDocument, OAuthDocumentSchema, type OAuthDocument } from './oauth-document';
import { pruneExpired } from './grant-book';


/**
 * oauth.json on disk: mode 0600, written whole (temp + rename) under the same lock the state
 * documents use, since the server and `ldm-mcp-server pair`/`grants` write it from different
 * processes. Reads are cached on the file's stamp, so a grant revoked on the host is seen by the
 * server's next request.
 */
export class OAuthFile {
  private cached: { stamp: string; doc: OAuthDocument } | null = null;
  private readonly lockFs: LockFs;

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {
    this.lockFs = createLockFs(defaultHolderProbe());
  }

  async read(): Promise<OAuthDocument> {
    let stamp: string;
    try {
      const s = await stat(this.path);
      stamp = `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyOAuthDocument();
      throw new Error(`couldn't stat ${this.path}`, { cause: err });
    }
    if (this.cached?.stamp === stamp) return structuredClone(this.cached.doc);
    const doc = await this.parse();
    this.cached = { stamp, doc };
    return structuredClone(doc);
  }

  /** One locked read-modify-write; expired entries are pruned on every write. */
  async update<T>(change: (doc: OAuthDocument) => T): Promise<T> {
    await ensureDir(dirname(this.path));
    const release = await acquireDocumentLock(this.path, {
      lockFs: this.lockFs,
      probe: defaultHolderProbe(),
      staleMs: 10_000,
      waitMs: 5_000,
      onCompromised: () => {},
    });
    try {
      const doc = await this.parse();
      pruneExpired(doc, this.now());
      const result = change(doc);
      const checked = OAuthDocumentSchema.parse(doc);
      await writeFileAtomic(this.path, `${JSON.stringify(checked)}\n`, 0o600);
      this.cached = null;
      return result;
    } finally {
      await release();
    }
  }

  private async parse(): Promise<OAuthDocument> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyOAuthDocument();
      throw new Error(`couldn't read ${this.path}`, { cause: err });
    }
    try {
      return OAuthDocumentSchema.parse(JSON.parse(text));
    } catch (err) {
      throw new Error(`${this.path} is not a valid OAuth state file (move it aside to start over; every grant is then lost): ${(err as Error).message.slice(0, 300)}`, { cause: err });
    }
  }
}
