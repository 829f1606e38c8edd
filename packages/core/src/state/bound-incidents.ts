import type { Incident, IncidentsDoc } from './schemas';
import { compareCodeUnits } from '../text/compare-code-units';
import { recordBytes } from './document-text';

export interface IncidentBounds {
  /** Incidents kept at most. */
  maxIncidents: number;
  /** Bytes incidents.json may take (document-limits.ts). */
  maxBytes: number;
}

/** What a bound took out, for the log: resolved history goes quietly, an open incident never does. */
export interface IncidentsTrimmed {
  evidenceTrimmed: number;
  droppedResolved: number;
  /** Ids of the open incidents dropped (at most 20 listed; `droppedOpen` counts all). */
  droppedOpenIds: string[];
  droppedOpen: number;
}

export const NOTHING_TRIMMED: IncidentsTrimmed = { evidenceTrimmed: 0, droppedResolved: 0, droppedOpenIds: [], droppedOpen: 0 };

export const isTrimmed = (t: IncidentsTrimmed): boolean => t.evidenceTrimmed + t.droppedResolved + t.droppedOpen > 0;

const LISTED_IDS = 20;
const trimmedEvidence = (n: number) => [`…[${n} evidence lines removed to keep incidents.json within its size limit]`];

/**
 * Pure: incidents.json within `bounds`. Oldest first (by lastSeen), and resolved before open:
 * first the evidence of resolved incidents is replaced by a one-line note, then resolved incidents
 * are dropped, then the same for open ones. The count bound drops as before (resolved first).
 * `docBytes` is the size of the file as it would be written now, which spares the count of a
 * document already within its bytes.
 */
export function boundIncidents(doc: IncidentsDoc, bounds: IncidentBounds, docBytes = 0): { doc: IncidentsDoc; trimmed: IncidentsTrimmed } {
  const trimmed: IncidentsTrimmed = { ...NOTHING_TRIMMED, droppedOpenIds: [] };
  const overCount = doc.incidents.length - bounds.maxIncidents;
  if (overCount <= 0 && docBytes <= bounds.maxBytes) return { doc, trimmed };
  const incidents: Array<Incident | null> = [...doc.incidents];
  const byAge = incidents
    .map((incident, index) => ({ incident: incident!, index }))
    .sort((a, b) => compareCodeUnits(a.incident.lastSeen, b.incident.lastSeen) || a.index - b.index);
  const resolved = byAge.filter((e) => e.incident.status === 'resolved');
  const open = byAge.filter((e) => e.incident.status !== 'resolved');

  const drop = (index: number) => {
    const gone = incidents[index]!;
    incidents[index] = null;
    if (gone.status === 'resolved') trimmed.droppedResolved++;
    else {
      trimmed.droppedOpen++;
      if (trimmed.droppedOpenIds.length < LISTED_IDS) trimmed.droppedOpenIds.push(gone.id);
    }
  };
  let excess = overCount;
  for (const { index } of [...resolved, ...open]) {
    if (excess <= 0) break;
    drop(index);
    excess--;
  }

  const sizes = incidents.map((i) => (i ? recordBytes(i) : 0));
  const head = recordBytes({ ...doc, incidents: [] });
  let total = head + sizes.reduce((a, b) => a + b, 0);
  for (const group of [resolved, open]) {
    for (const { index } of group) {
      if (total <= bounds.maxBytes) break;
      const incident = incidents[index];
      if (!incident || incident.evidence.length === 0 || (incident.evidence.length === 1 && incident.evidence[0]!.startsWith('…['))) continue;
      const lighter = { ...incident, evidence: trimmedEvidence(incident.evidence.length) };
      const size = recordBytes(lighter);
      total -= sizes[index]! - size;
      sizes[index] = size;
      incidents[index] = lighter;
      trimmed.evidenceTrimmed++;
    }
    for (const { index } of group) {
      if (total <= bounds.maxBytes) break;
      if (!incidents[index]) continue;
      total -= sizes[index]!;
      drop(index);
    }
  }
  if (!isTrimmed(trimmed)) return { doc, trimmed };
  return { doc: { ...doc, incidents: incidents.filter((i): i is Incident => i !== null) }, trimmed };
}

/** One line for the log: what a bound took out of incidents.json. */
export function describeTrimmed(t: IncidentsTrimmed, file: string): string {
  const parts = [
    t.evidenceTrimmed ? `removed the evidence of ${t.evidenceTrimmed} incident(s)` : '',
    t.droppedResolved ? `dropped ${t.droppedResolved} resolved incident(s)` : '',
    t.droppedOpen ? `dropped ${t.droppedOpen} OPEN incident(s) (${t.droppedOpenIds.join(', ')}${t.droppedOpen > t.droppedOpenIds.length ? ', …' : ''})` : '',
  ].filter(Boolean);
  return `${file} reached its limits (state.maxIncidents, or its size limit): ${parts.join('; ')}, oldest first`;
}
