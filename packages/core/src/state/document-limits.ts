import type { DocumentName } from './schemas';

// Each document's total size, in bytes of its file. `maxBytes` is kept on every write (the
// document's own bound trims it: bound-incidents.ts, bound-patterns.ts, bound-state.ts); a file
// over `hardMaxBytes` is not read at all but moved aside like a corrupt one, since parsing it
// could cost a 60 MB daemon more memory than it has. Figures: bench/store-memory.mjs.

export interface DocumentLimit {
  maxBytes: number;
  hardMaxBytes: number;
}

export type DocumentLimits = Record<DocumentName, DocumentLimit>;

const KiB = 1024;

// A daemon on an empty host peaks near 54 MB (bench/daemons.mjs); parsing, validating and
// rewriting a document costs it about 5 times the file's size. The hard limit is twice the kept
// one: a file between the two is read once (the unit's MemoryMax allows it) and written back
// within its limit.
// With incidents.json at 640 KiB and patterns.json at 512 KiB of maximal records, one healthcheck
// run peaks near 58 MB: inside the daemons' 60 MB. That holds about 2,000 incidents with their
// evidence trimmed, so the byte limit, not state.maxIncidents, is what bounds a long history.
export const DOCUMENT_LIMITS: DocumentLimits = {
  state: { maxBytes: 256 * KiB, hardMaxBytes: 512 * KiB },
  incidents: { maxBytes: 640 * KiB, hardMaxBytes: 1280 * KiB },
  patterns: { maxBytes: 512 * KiB, hardMaxBytes: 1024 * KiB },
};
