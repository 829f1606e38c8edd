import type { DocumentStore, WrittenDocument } from '../state/document-store';
import type { DocumentTypes, IncidentsDoc, PatternsDoc } from '../state/schemas';
import { emptyDocument, DOCUMENT_FILES } from '../state/document-files';
import { sameStamp, type FileStamp } from '../state/file-stamp';
import { digestIncidents, digestPatterns, usableDigest, type BriefingDigests, type DigestedDocument } from './briefing-digest';

// The briefing's cache of incidents.json and patterns.json in state.json (briefing-digest.ts):
// kept by the store's on-written hook (keepBriefingDigests, wired where a program makes its
// store), read by digestOf. The store itself knows nothing of briefings.

type KeptDigest = { [N in DigestedDocument]: { name: N; stamp: FileStamp | null; digest: BriefingDigests[N] } }[DigestedDocument];

const isDigested = (name: string): name is DigestedDocument => name === 'incidents' || name === 'patterns';

function digest<N extends DigestedDocument>(name: N, doc: DocumentTypes[N], stamp: FileStamp | null, now: Date): BriefingDigests[N] {
  return (name === 'incidents' ? digestIncidents(doc as IncidentsDoc, stamp) : digestPatterns(doc as PatternsDoc, stamp, now)) as BriefingDigests[N];
}

/**
 * The store's on-written hook: puts the digests of what was just written into state.json. Under
 * the state lock each file must still be the one digested: a later writer keeps its own. A digest
 * is a cache, so failing to keep one is logged and the write it follows stands.
 */
export async function keepBriefingDigests(written: readonly WrittenDocument[], store: DocumentStore): Promise<void> {
  const now = store.now();
  const kept: KeptDigest[] = [];
  for (const w of written) if (isDigested(w.name)) kept.push({ name: w.name, stamp: w.stamp, digest: digest(w.name, w.doc as never, w.stamp, now) } as KeptDigest);
  if (kept.length) await keep(store, kept);
}

async function keep(store: DocumentStore, kept: KeptDigest[]): Promise<void> {
  try {
    await store.update('state', async (state) => {
      const digests = state.digests && typeof state.digests === 'object' ? { ...(state.digests as Record<string, unknown>) } : {};
      for (const w of kept) if (sameStamp(await store.stampOf(w.name), w.stamp)) digests[w.name] = w.digest;
      state.digests = digests;
    });
  } catch (err) {
    const files = kept.map((w) => DOCUMENT_FILES[w.name]).join(' and ');
    store.logger?.warn(`couldn't keep the ${files} digest in ${DOCUMENT_FILES.state}: ${(err as Error).message}`);
  }
}

/**
 * What a briefing shows of incidents.json or patterns.json: the digest in `state` while it
 * matches the file, else taken from the whole file (and kept in state.json for the next reader).
 */
export async function digestOf<N extends DigestedDocument>(store: DocumentStore, name: N, heldDigests: unknown): Promise<BriefingDigests[N]> {
  const stamp = await store.stampOf(name);
  if (stamp === null) return digest(name, emptyDocument(name), null, store.now());
  const held = usableDigest(heldDigests, name, stamp);
  if (held) return held;
  const doc = await store.read(name);
  const after = await store.stampOf(name);
  // Changed while we read: this copy may be either version, so it describes neither stamp.
  if (!sameStamp(stamp, after)) return digest(name, doc, null, store.now());
  const made = digest(name, doc, stamp, store.now());
  await keep(store, [{ name, stamp, digest: made } as KeptDigest]);
  return made;
}
