import { open, rename, stat } from 'node:fs/promises';
import type { ZodType } from 'zod';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write';
import type { DocumentName, DocumentTypes, Incident, IncidentsDoc } from './schemas';
import { DOCUMENT_FILES, emptyDocument } from './document-files';
import { boundIncidents, describeTrimmed, isTrimmed } from './bound-incidents';
import { boundPatterns, boundState } from './bound-state';
import { DOCUMENT_LIMITS, type DocumentLimits } from './document-limits';
import { documentText } from './document-text';
import { checkedKey, readCheckedKey, writeCheckedKey } from './checked-text';
import { isSpooled, readSpool, removeSpooled, spoolRecord, type Spooled } from './append-spool';
import type { Logger } from '../log/logger';
import { randomHex } from '../node/on-demand';
import { ensureDir } from '../paths/ensure-dir';
import { acquireDocumentLock } from './document-lock';
import { createLockFs, type LockFs } from './lock-fs';
import { defaultHolderProbe, type HolderProbe } from './holder-probe';
import { removeLeftoverTemps } from './leftover-temps';
import type { FileStamp } from './file-stamp';

export interface StoreOptions {
  stateDir: string;
  logger?: Logger;
  /** Only for a lock that names no holder (an older release's): taken over when unchanged this long. */
  lockStaleMs?: number;
  /** How long a writer waits for a live holder before it fails, naming the holder's pid. */
  lockWaitMs?: number;
  /** Tells live lock holders and temp file writers from dead ones; tests point it at a fake /proc. */
  probe?: HolderProbe;
  maxIncidents?: number;
  /**
   * Called after documents were written (at the end of a batchWrites, all of that batch's at once),
   * outside their locks; what it throws reaches the writer. The briefing cache is one
   * (briefing/briefing-cache.ts).
   */
  onWritten?: (written: readonly WrittenDocument[], store: DocumentStore) => Promise<void>;
  /** Each document's byte limits (document-limits.ts); tests lower them. */
  limits?: Partial<DocumentLimits>;
  now?: () => Date;
}

/** What a caller supplies for a new incident; the store fills in id, times, count and status. */
export interface NewIncident {
  source: Incident['source'];
  severity: Incident['severity'];
  summary: string;
  subject?: string;
  evidence?: string[];
  fingerprints?: string[];
  patternId?: string;
}

/** A document that a newer release wrote. It is neither moved aside nor overwritten. */
export class NewerVersionError extends Error {}

/** The newest version of each document this release reads (patterns.json 2: learn/migrate-patterns.ts). */
const SUPPORTED_VERSION: Record<DocumentName, number> = { state: 1, incidents: 1, patterns: 2 };

/** The list in each document written one record per line (document-text.ts). */
const LIST_KEYS: Record<DocumentName, string | undefined> = { state: undefined, incidents: 'incidents', patterns: 'patterns' };

type Loaded<N extends DocumentName> = { doc: DocumentTypes[N]; movedAside: string | null; problem: string | null };

// The document schemas: thousands of zod objects, built when the first document is validated.
let schemasModule: Promise<typeof import('./schemas')> | undefined;
const loadSchemas = () => (schemasModule ??= import('./schemas'));

const ONE_OFF = { jitless: true } as const;

function checkVersion(name: DocumentName, file: string, value: unknown): void {
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > SUPPORTED_VERSION[name]) {
    throw new NewerVersionError(`${file} has version ${version}, newer than this release understands (${SUPPORTED_VERSION[name]}); upgrade the suite`);
  }
}

/** A file over its hard limit: not read, since parsing it could cost more memory than a daemon has. */
export class TooLargeError extends Error {}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** The file's text; null when it does not exist. Its size is checked before a byte is read. */
async function readTextIfExists(file: string, hardMaxBytes: number): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`couldn't read ${file}`, { cause: err });
  }
  try {
    const { size } = await handle.stat();
    if (size > hardMaxBytes) throw new TooLargeError(`${file} is ${mb(size)}, over its hard limit of ${mb(hardMaxBytes)}`);
    return await handle.readFile('utf8');
  } catch (err) {
    if (err instanceof TooLargeError) throw err;
    throw new Error(`couldn't read ${file}`, { cause: err });
  } finally {
    await handle.close();
  }
}

/** JSON text to a value; undefined when it is not JSON (the full read then says why). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A document as written, with the identity of the file it was written to (null if gone since). */
export type WrittenDocument = { [N in DocumentName]: { name: N; doc: DocumentTypes[N]; stamp: FileStamp | null } }[DocumentName];

export function newIncidentId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
  return `inc-${stamp}-${randomHex(3)}`;
}

/**
 * The only way the programs touch state.json, incidents.json and patterns.json.
 * Every read-modify-write happens under a proper-lockfile lock and ends in an atomic rename.
 */
export class DocumentStore {
  readonly stateDir: string;
  readonly logger?: Logger;
  private readonly lockStaleMs: number;
  private readonly lockWaitMs: number;
  private readonly probe: HolderProbe;
  private readonly lockFs: LockFs;
  private readonly maxIncidents: number;
  private readonly limits: DocumentLimits;
  readonly now: () => Date;
  private readonly onWritten?: StoreOptions['onWritten'];
  private dirReady: Promise<void> | null = null;
  private batchDepth = 0;
  private readonly unannounced = new Map<DocumentName, WrittenDocument>();
  private readonly newerSaid = new Set<DocumentName>();

  constructor(options: StoreOptions) {
    this.stateDir = options.stateDir;
    this.logger = options.logger;
    this.lockStaleMs = Math.max(2000, options.lockStaleMs ?? 10_000);
    this.lockWaitMs = options.lockWaitMs ?? 30_000;
    this.probe = options.probe ?? defaultHolderProbe();
    this.lockFs = createLockFs(this.probe);
    this.maxIncidents = options.maxIncidents ?? 5000;
    this.limits = { ...DOCUMENT_LIMITS, ...options.limits };
    this.now = options.now ?? (() => new Date());
    this.onWritten = options.onWritten;
  }

  pathOf(name: DocumentName): string {
    return join(this.stateDir, DOCUMENT_FILES[name]);
  }

  /** A consistent snapshot without taking the lock (writes are atomic renames). A bad file is moved aside under the lock. */
  async read<N extends DocumentName>(name: N): Promise<DocumentTypes[N]> {
    const first = await this.load(name, false);
    if (!first.problem) return first.doc;
    return this.update(name, (doc) => structuredClone(doc));
  }

  /**
   * Read-modify-write under the lock. `mutate` changes the document in place; its return value is
   * passed back. The result is validated before it is written, so a bug cannot write a bad file.
   */
  async update<N extends DocumentName, R>(name: N, mutate: (doc: DocumentTypes[N]) => R | Promise<R>): Promise<R> {
    return (await this.commit(name, mutate)).result as R;
  }

  /**
   * One locked rewrite of `name`: `mutate` (validated as a whole after it ran), or with no
   * `mutate` only the records spooled for it (each validated alone: the rest was validated on
   * load, so an append costs the record, not the history). Either way every record spooled so far
   * is added (append-spool.ts). With `doneWhen`, the wait for the lock ends as soon as it is true;
   * `done` says whether this call wrote.
   */
  private async commit<N extends DocumentName, R>(
    name: N,
    mutate: ((doc: DocumentTypes[N]) => R | Promise<R>) | null,
    doneWhen?: () => Promise<boolean>,
  ): Promise<{ result: R | undefined; done: boolean }> {
    const file = this.pathOf(name);
    await this.ensureDir();
    let compromised: Error | null = null;
    const release = await this.lock(file, (err) => {
      compromised = err;
    }, doneWhen);
    if (!release) return { result: undefined, done: false };
    let loaded: Loaded<N>;
    let result: R | undefined;
    let written: WrittenDocument | null = null;
    try {
      loaded = await this.load(name, true).catch((err: unknown) => {
        if (err instanceof NewerVersionError && !this.newerSaid.has(name)) {
          this.newerSaid.add(name);
          this.logger?.error(`${err.message}; left alone (not written, not moved aside), so nothing is saved to it until then`);
        }
        throw err;
      });
      const spooled = name === 'incidents' ? await readSpool(file) : [];
      if (spooled.length) await this.addSpooled(loaded.doc as IncidentsDoc, spooled, mutate === null);
      let doc = loaded.doc;
      if (mutate) {
        result = await mutate(loaded.doc);
        const checked = (await loadSchemas()).DOCUMENTS[name].schema.safeParse(loaded.doc);
        if (!checked.success) {
          throw new Error(`refusing to write invalid ${file}: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        }
        doc = checked.data as DocumentTypes[N];
      }
      const { doc: toWrite, text } = await this.bounded(name, doc);
      if (compromised) throw new Error(`lock on ${file} was lost before the write`, { cause: compromised });
      await writeFileAtomic(file, text);
      await writeCheckedKey(file, text);
      await removeSpooled(spooled);
      if (this.onWritten) written = { name, doc: toWrite, stamp: await this.stampOf(name) } as WrittenDocument;
    } finally {
      await release().catch((err: unknown) => this.logger?.warn(`couldn't release lock on ${file}: ${(err as Error).message}`));
    }
    if (written) {
      if (this.batchDepth > 0) this.unannounced.set(written.name, written);
      else await this.onWritten?.([written], this);
    }
    if (loaded.movedAside) await this.recordMoveAside(name, loaded.movedAside, loaded.problem ?? 'unreadable');
    return { result, done: true };
  }

  /** Adds spooled incidents not already stored (a killed holder may have stored some); a bad one is dropped and logged. */
  private async addSpooled(doc: IncidentsDoc, spooled: Spooled[], validate: boolean): Promise<void> {
    const { IncidentSchema } = await loadSchemas();
    const ids = new Set(doc.incidents.map((i) => i.id));
    for (const { path, value } of spooled) {
      const checked = validate ? IncidentSchema.safeParse(value) : { success: true as const, data: value as Incident };
      if (!checked.success) {
        this.logger?.warn(`dropped ${path}: not an incident (${checked.error.issues[0]?.message ?? 'not JSON'})`);
        continue;
      }
      if (ids.has(checked.data.id)) continue;
      ids.add(checked.data.id);
      doc.incidents.push(checked.data);
    }
  }

  /**
   * The document within its limits, and its file text. A document already within them is
   * serialised once; one over them is trimmed by its bound, which says what it took out.
   */
  private async bounded<N extends DocumentName>(name: N, doc: DocumentTypes[N]): Promise<{ doc: DocumentTypes[N]; text: string }> {
    const file = this.pathOf(name);
    const { maxBytes } = this.limits[name];
    const listKey = LIST_KEYS[name];
    let text = documentText(doc as Record<string, unknown>, listKey);
    const bytes = Buffer.byteLength(text, 'utf8');
    let out = doc;
    if (name === 'incidents') {
      const { doc: kept, trimmed } = boundIncidents(doc as IncidentsDoc, { maxIncidents: this.maxIncidents, maxBytes }, bytes);
      if (isTrimmed(trimmed)) {
        out = kept as DocumentTypes[N];
        const line = describeTrimmed(trimmed, file);
        if (trimmed.droppedOpen) this.logger?.error(line);
        else this.logger?.notice(line);
      }
    } else if (name === 'patterns') {
      const { doc: kept, dropped, droppedWithFix } = boundPatterns(doc as DocumentTypes['patterns'], maxBytes, bytes);
      if (dropped) {
        out = kept as DocumentTypes[N];
        const line = `${file} reached its size limit (${mb(maxBytes)}): dropped ${dropped} pattern(s), least recently seen first (${droppedWithFix} with a learned fix)`;
        if (droppedWithFix) this.logger?.error(line);
        else this.logger?.notice(line);
      }
    } else if (bytes > maxBytes) {
      const known = new Set(Object.keys((await loadSchemas()).StateDocSchema.shape));
      const { doc: kept, dropped } = boundState(doc as DocumentTypes['state'], maxBytes, bytes, known);
      out = kept as DocumentTypes[N];
      if (dropped.length) this.logger?.error(`${file} reached its size limit (${mb(maxBytes)}): dropped field(s) ${dropped.join(', ')}`);
    }
    if (out !== doc) text = documentText(out as Record<string, unknown>, listKey);
    const written = Buffer.byteLength(text, 'utf8');
    if (written > maxBytes) throw new Error(`refusing to write ${file}: ${mb(written)} is over its limit of ${mb(maxBytes)} even after trimming`);
    return { doc: out, text };
  }

  /**
   * For a reader that uses only part of a document: validated against `part` alone, which keeps a
   * reader of a few fields from building and running every document schema. A file that does not
   * fit `part` is read the full way, which moves a corrupt file aside and says why.
   */
  async readPart<N extends DocumentName, T>(name: N, part: ZodType<T>): Promise<T> {
    const file = this.pathOf(name);
    const text = await readTextIfExists(file, this.limits[name].hardMaxBytes).catch((err: unknown) => {
      if (err instanceof TooLargeError) return undefined;
      throw err;
    });
    if (text === undefined) return part.parse(await this.read(name), ONE_OFF);
    // One parse per read: compiling zod's fast path for it would cost more than it saves.
    if (text === null) return part.parse(emptyDocument(name), ONE_OFF);
    const value = parseJson(text);
    checkVersion(name, file, value);
    const checked = part.safeParse(value, ONE_OFF);
    if (checked.success) return checked.data;
    return part.parse(await this.read(name), ONE_OFF);
  }

  /**
   * Runs `work` and announces every write made meanwhile to `onWritten` once, at the end, rather
   * than one by one (recording an incident writes two files; the briefing cache then rewrites
   * state.json once).
   */
  async batchWrites<R>(work: () => Promise<R>): Promise<R> {
    this.batchDepth++;
    try {
      return await work();
    } finally {
      if (--this.batchDepth === 0 && this.unannounced.size > 0) {
        const written = [...this.unannounced.values()];
        this.unannounced.clear();
        await this.onWritten?.(written, this);
      }
    }
  }

  /** The file's identity (file-stamp.ts); null when absent. */
  async stampOf(name: DocumentName): Promise<FileStamp | null> {
    try {
      const { ino, size, mtimeMs } = await stat(this.pathOf(name));
      return { ino, size, mtimeMs };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`couldn't stat ${this.pathOf(name)}`, { cause: err });
    }
  }

  /**
   * Appends one incident and returns it with its id, once it is in incidents.json: through the
   * append spool, so that concurrent appenders share rewrites (append-spool.ts).
   */
  async appendIncident(input: NewIncident): Promise<Incident> {
    const now = this.now().toISOString();
    const incident: Incident = {
      evidence: [],
      fingerprints: [],
      count: 1,
      ...input,
      id: newIncidentId(this.now()),
      time: now,
      lastSeen: now,
      status: 'open',
    };
    const record = (await loadSchemas()).IncidentSchema.parse(incident);
    const file = this.pathOf('incidents');
    await this.ensureDir();
    let spool: string;
    try {
      spool = await spoolRecord(file, `${incident.time}-${incident.id}`, record);
    } catch {
      // A read-only or full dir: the locked write says so, with its cause first, or succeeds
      // where a small new file could not be made.
      await this.update('incidents', (doc) => void doc.incidents.push(record));
      return record;
    }
    const stored = async () => !(await isSpooled(spool));
    // Until its file is gone: drained by this call's own write, or by another holder's meanwhile.
    for (let round = 0; !(await stored()); round++) {
      if (round >= 10) throw new Error(`couldn't append to ${file}: ${spool} was not taken in ${round} writes`);
      await this.commit('incidents', null, stored);
    }
    return record;
  }

  /** The state dir, made on the first write; what killed writers left in it is removed then, once per store. */
  private ensureDir(): Promise<void> {
    this.dirReady ??= ensureDir(this.stateDir).then(async () => {
      try {
        const { removed, kept } = await removeLeftoverTemps(this.stateDir, this.probe, this.lockFs);
        if (removed.length) this.logger?.notice(`removed ${removed.length} file(s) left by killed writers in ${this.stateDir}: ${removed.slice(0, 5).join(', ')}${removed.length > 5 ? ', …' : ''}${kept ? ` (${kept} of live writers kept)` : ''}`);
      } catch (err) {
        this.logger?.warn(`couldn't look for files left by killed writers in ${this.stateDir}: ${(err as Error).message}`);
      }
    });
    return this.dirReady;
  }

  private async lock(file: string, onCompromised: (err: Error) => void, notNeeded?: () => Promise<boolean>): Promise<(() => Promise<void>) | null> {
    return acquireDocumentLock(file, {
      notNeeded,
      lockFs: this.lockFs,
      probe: this.probe,
      staleMs: this.lockStaleMs,
      waitMs: this.lockWaitMs,
      onCompromised: (err) => {
        this.logger?.error(`lock on ${file} compromised: ${err.message}`);
        onCompromised(err);
      },
    });
  }

  private async load<N extends DocumentName>(name: N, mayMoveAside: boolean): Promise<Loaded<N>> {
    const file = this.pathOf(name);
    let text: string | null;
    let validated: { ok: true; doc: DocumentTypes[N] } | { ok: false; problem: string };
    try {
      text = await readTextIfExists(file, this.limits[name].hardMaxBytes);
      if (text === null) return { doc: emptyDocument(name), movedAside: null, problem: null };
      validated = await this.validate(name, file, text);
    } catch (err) {
      if (!(err instanceof TooLargeError)) throw err;
      validated = { ok: false, problem: err.message };
    }
    text = null;
    if (validated.ok) return { doc: validated.doc, movedAside: null, problem: null };
    const problem = validated.problem;
    if (!mayMoveAside) return { doc: emptyDocument(name), movedAside: null, problem };
    const movedAside = await this.moveAside(file);
    this.logger?.error(`${file} is ${problem.includes('hard limit') ? 'too large' : 'corrupt'} (${problem}); moved it to ${movedAside} and started from an empty document`);
    return { doc: emptyDocument(name), movedAside, problem };
  }

  /**
   * Parses and validates once; the validated value is the document (zod fills defaults). Text a
   * writer of this release validated and wrote (checked-text.ts) is only parsed.
   */
  private async validate<N extends DocumentName>(name: N, file: string, text: string): Promise<{ ok: true; doc: DocumentTypes[N] } | { ok: false; problem: string }> {
    if ((await readCheckedKey(file)) === checkedKey(text)) {
      const value = JSON.parse(text) as DocumentTypes[N];
      checkVersion(name, file, value);
      return { ok: true, doc: value };
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { ok: false, problem: `not valid JSON: ${(err as Error).message}` };
    }
    checkVersion(name, file, value);
    const checked = (await loadSchemas()).DOCUMENTS[name].schema.safeParse(value);
    if (checked.success) return { ok: true, doc: checked.data as DocumentTypes[N] };
    const issue = checked.error.issues[0]!;
    return { ok: false, problem: `invalid at ${issue.path.join('.') || '(top level)'}: ${issue.message}` };
  }

  private async moveAside(file: string): Promise<string> {
    const stamp = this.now().toISOString().replace(/:/g, '-');
    for (let n = 0; ; n++) {
      const target = `${file}.corrupt-${stamp}${n ? `-${n}` : ''}`;
      const exists = await stat(target).then(() => true, () => false);
      if (exists) continue;
      await rename(file, target);
      return target;
    }
  }

  private async recordMoveAside(name: DocumentName, movedTo: string, problem: string): Promise<void> {
    try {
      await this.appendIncident({
        source: 'store',
        severity: 'warn',
        subject: this.pathOf(name),
        summary: `${DOCUMENT_FILES[name]} was ${problem.includes('hard limit') ? 'too large' : 'corrupt'} and was moved aside to ${movedTo}`,
        evidence: [problem],
      });
    } catch (err) {
      this.logger?.error(`couldn't record the move-aside of ${movedTo}: ${(err as Error).message}`);
    }
  }
}
