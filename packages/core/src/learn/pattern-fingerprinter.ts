import { redactSecrets } from '../redact/redact-secrets';
import type { PatternsDoc } from '../state/schemas';
import { Fingerprinter } from './fingerprint/fingerprinter';
import type { FingerprinterState } from './fingerprint/fingerprinter-state';
import { maskVariables } from './fingerprint/mask-tokens';
import { syslogMessage } from './fingerprint/syslog-header';
import type { MatchQuery, QueryLine } from './known-fix';
import { isOutcomeLine } from './line-role';
import { templateId } from './template-text';
import { capTemplate, MAX_TEMPLATE_CHARS } from '../text/cap-template';

// The incident engine's one log parser, persisted in patterns.json next to the patterns it keys,
// so that every process learns into the same state under the same lock.

/** Templates kept in patterns.json: bounds the file (docs/fingerprint.md, "Incident engine"). */
export const ENGINE_MAX_TEMPLATES = 500;

/** What is learned from an incident text: the message without its syslog header, secrets redacted. */
export function learnableText(text: string): string {
  return redactSecrets(syslogMessage(text.trim()));
}

/**
 * Loads the parser stored in a patterns document. A state that no longer validates (written by
 * another version) is not worth failing a record for: the parser starts afresh, and patterns
 * still match by template similarity until their groups are learned again.
 */
export function loadFingerprinter(doc: Pick<PatternsDoc, 'fingerprinter'>, maxTemplates = ENGINE_MAX_TEMPLATES): Fingerprinter {
  const options = { maxClusters: maxTemplates, cacheSize: 256 };
  if (doc.fingerprinter === undefined) return new Fingerprinter(options);
  try {
    return Fingerprinter.fromJSON(doc.fingerprinter, options);
  } catch {
    return new Fingerprinter(options);
  }
}

/** Loads once per distinct stored state: record() and findKnownFixes() in one process reuse the parse. */
export class FingerprinterCache {
  private key: string | null = null;
  private value: Fingerprinter | null = null;

  constructor(private readonly maxTemplates = ENGINE_MAX_TEMPLATES) {}

  /** A parser for this document, to read (match/resolve) and learn into; `store` it after learning. */
  get(doc: Pick<PatternsDoc, 'fingerprinter'>): Fingerprinter {
    const key = doc.fingerprinter === undefined ? '' : stateKey(doc.fingerprinter);
    if (this.value === null || key !== this.key) {
      this.value = loadFingerprinter(doc, this.maxTemplates);
      this.key = key;
    }
    return this.value;
  }

  /** Writes the parser into the document and remembers it as the current one. */
  store(doc: PatternsDoc, fp: Fingerprinter): void {
    const state = fp.toJSON();
    doc.fingerprinter = state;
    this.value = fp;
    this.key = stateKey(state);
  }

  /** Forgets the parser: after a failed update, the one in memory may hold lines never saved. */
  invalidate(): void {
    this.value = null;
    this.key = null;
  }

  /** The last parser seen, without reading the store (fingerprintOf is synchronous). */
  peek(): Fingerprinter | null {
    return this.value;
  }
}

// A state is identified by its tick (every learned line moves it) and a hash of its content, so two
// processes that each learned as many lines from the same base can't pass for one another.
function stateKey(state: FingerprinterState): string {
  return `${state.tick}:${templateId(JSON.stringify(state))}`;
}

/** The template and id a text would get from masking alone: the fallback when no group knows it yet. */
export function statelessFingerprint(message: string): { template: string; fingerprint: string } {
  // Only the head that can reach the template is masked: the work is bounded whatever the input.
  const head = message.length > 2 * MAX_TEMPLATE_CHARS ? message.slice(0, 2 * MAX_TEMPLATE_CHARS) : message;
  const template = capTemplate(maskVariables(head));
  return { template, fingerprint: templateId(template) };
}

/** Lines of one query: more are cut (a text of thousands of lines is output to read, not a key). */
export const MAX_QUERY_LINES = 50;

/**
 * The known-fix query for a text (one line, or many: command output): each non-empty line's group
 * in `fp` (matched, never learned) with fingerprints compared through resolve(), else its masked
 * text for template similarity; and its role (line-role.ts). Patterns stored by an older
 * generation of fingerprinting were re-keyed when patterns.json was migrated (migrate-patterns.ts),
 * so no older key is needed here.
 */
export function knownFixQuery(fp: Fingerprinter | null, text: string | readonly string[], subject?: string): MatchQuery {
  const raw = (typeof text === 'string' ? text.split('\n') : text).filter((l) => l.trim() !== '').slice(0, MAX_QUERY_LINES);
  return {
    lines: raw.map((line) => queryLine(fp, line)),
    ...(subject ? { subject } : {}),
    ...(fp ? { resolve: (f: string) => fp.resolve(f), templateOf: (f: string) => fp.template(f) } : {}),
  };
}

function queryLine(fp: Fingerprinter | null, line: string): QueryLine {
  const message = learnableText(line);
  const found = fp?.match(message) ?? null;
  let template: string;
  const fingerprints: string[] = [];
  if (fp && found) {
    const id = fp.resolve(found.fingerprint);
    template = fp.template(id) ?? found.template;
    fingerprints.push(id);
  } else template = statelessFingerprint(message).template;
  return { template, fingerprints, outcome: isOutcomeLine(line) };
}
