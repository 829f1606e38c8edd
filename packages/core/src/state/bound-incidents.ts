import type { IncidentsDoc } from './schemas';
import { compareCodeUnits } from '../text/compare-code-units';

/**
 * Keeps incidents.json at most `max` long. The oldest resolved incidents go first; open ones
 * are dropped (oldest first) only when there are more open incidents than the cap.
 */
export function boundIncidents(doc: IncidentsDoc, max: number): IncidentsDoc {
  const excess = doc.incidents.length - max;
  if (excess <= 0) return doc;
  const byAge = doc.incidents
    .map((incident, index) => ({ incident, index }))
    .sort((a, b) => compareCodeUnits(a.incident.lastSeen, b.incident.lastSeen) || a.index - b.index);
  const drop = new Set<number>();
  for (const { incident, index } of byAge) {
    if (drop.size >= excess) break;
    if (incident.status === 'resolved') drop.add(index);
  }
  for (const { index } of byAge) {
    if (drop.size >= excess) break;
    drop.add(index);
  }
  return { ...doc, incidents: doc.incidents.filter((_, index) => !drop.has(index)) };
}
