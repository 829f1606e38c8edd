import { isOutcomeLine } from './line-role';
import type { IncidentsDoc, PatternsDoc } from '../state/schemas';
import { ENGINE_MAX_TEMPLATES, learnableText, loadFingerprinter } from './pattern-fingerprinter';

// patterns.json keys patterns, and incidents.json keys incidents, by fingerprints: ids of groups
// of the log parser. When the rule that decides what a group is changes (version 2: discriminating
// tokens are part of the identity, docs/fingerprint.md), ids stored under the old rule mean
// nothing to the new parser. Migrating once, under the patterns lock, keeps every pattern's fixes
// and every incident's history reachable: nothing needs to remember how the old rule worked.

/** The version of patterns.json whose fingerprints follow the current identity rule. */
export const PATTERNS_VERSION = 2;

/** Texts learned per incident when re-fingerprinting it: the summary and 5 evidence lines, as record() learns. */
const EVIDENCE_LEARNED = 5;

/**
 * Pure (mutates both documents): re-fingerprints a patterns document of an older version, and the
 * incidents that point into it, with a new parser state learned from what was stored.
 *
 * - Each incident (oldest first) is learned from its summary and evidence, the real text, which
 *   holds the tokens that tell failures apart; its `fingerprints` become the new groups.
 * - A pattern takes the group of its most recent incident; a pattern with no incident left
 *   (incidents are bounded) is learned from its template.
 * - Pattern ids, counts and fixes stay as they are: a pattern is found by id, or by group and
 *   subject, so its fixes keep being offered.
 *
 * Bounded: at most the incidents and patterns stored, each learned once, into a parser of at most
 * `maxTemplates` groups. Returns false when the document is already current.
 */
export function migratePatterns(doc: PatternsDoc, incidents: IncidentsDoc, maxTemplates = ENGINE_MAX_TEMPLATES): boolean {
  if (doc.version === PATTERNS_VERSION) return false;
  const fp = loadFingerprinter({}, maxTemplates);
  const byTime = [...incidents.incidents].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const learned = new Map<string, string[]>();
  for (const i of byTime) {
    const texts = [i.summary, ...i.evidence.slice(0, EVIDENCE_LEARNED)];
    learned.set(i.id, texts.map((t) => fp.learn(learnableText(t)).fingerprint));
  }
  const latest = new Map<string, string>();
  for (const i of byTime) if (i.patternId !== undefined) latest.set(i.patternId, i.id);
  const patternPrint = new Map<string, string>();
  // The role of a pattern's line is read from the real text when an incident holds it: its
  // template has the unit's name masked, and that name is what marks systemd's outcome lines.
  const byId = new Map(incidents.incidents.map((i) => [i.id, i]));
  const outcome = new Map<string, boolean>();
  for (const p of doc.patterns) {
    const incidentId = latest.get(p.id);
    if (incidentId !== undefined) outcome.set(p.id, isOutcomeLine(byId.get(incidentId)!.summary));
    patternPrint.set(p.id, incidentId !== undefined ? learned.get(incidentId)![0]! : fp.learn(learnableText(p.template)).fingerprint);
  }
  // Resolved after all learning: a later line may have merged an earlier group.
  for (const i of incidents.incidents) {
    const ids = learned.get(i.id);
    if (ids !== undefined) i.fingerprints = [...new Set(ids.map((id) => fp.resolve(id)))];
  }
  for (const p of doc.patterns) {
    const id = fp.resolve(patternPrint.get(p.id)!);
    p.fingerprint = id;
    p.template = fp.template(id) ?? p.template;
    const role = outcome.get(p.id);
    if (role !== undefined && !p.lines?.length) p.lines = [{ fingerprint: id, template: p.template, outcome: role }];
  }
  doc.fingerprinter = fp.toJSON();
  doc.version = PATTERNS_VERSION;
  return true;
}
