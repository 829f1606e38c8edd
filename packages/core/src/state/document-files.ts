import type { DocumentName, DocumentTypes } from './schemas';

// What the store needs to find and start a document, apart from its schema: the schemas
// (state/schemas.ts) are loaded and built on the first validation, so a program builds them only
// once it reads a document that exists (an MCP server on a fresh host answers its client first).

export const DOCUMENT_FILES: Record<DocumentName, string> = {
  state: 'state.json',
  incidents: 'incidents.json',
  patterns: 'patterns.json',
};

/** The value of a document that does not exist yet: what its schema makes of `{ version: 1 }` (a test holds them equal). */
export function emptyDocument<N extends DocumentName>(name: N): DocumentTypes[N] {
  const empty: DocumentTypes = {
    state: { version: 1, mode: 'active', sessions: [], alerts: [], restarts: [] },
    incidents: { version: 1, incidents: [] },
    patterns: { version: 1, patterns: [] },
  };
  return empty[name];
}
