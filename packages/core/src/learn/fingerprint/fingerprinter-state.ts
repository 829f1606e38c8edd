import * as z from 'zod';
import { DEFAULT_VARIABLE_KEYS } from './mask-tokens';

/** Tuning of the online parser. The defaults are what docs/fingerprint.md reports figures for. */
export const FingerprinterOptionsSchema = z.object({
  /** Share of a line's tokens that must agree with a template (Drain's st) to join its cluster. */
  similarityThreshold: z.number().gt(0).max(1).default(0.7),
  /** Most clusters kept; the least recently seen are dropped beyond it, which bounds the state. */
  maxClusters: z.number().int().min(1).max(1_000_000).default(1000),
  /** Tokens of a message that count; a longer message is cut, so one huge line can't bloat the state. */
  maxTokens: z.number().int().min(4).max(1024).default(48),
  /** A longer token is data (base64, a hash, a long path) and is masked whole. */
  maxTokenLength: z.number().int().min(8).max(4096).default(64),
  /** A line with at least this many key=value tokens is grouped by its set of keys (audit, UFW/iptables). */
  kvMinPairs: z.number().int().min(2).max(1024).default(8),
  /** Jaccard similarity of key sets at which two key=value lines are the same event. */
  kvSimilarity: z.number().gt(0).max(1).default(0.5),
  /** Keys whose values are masked even when they are plain words (user=root). */
  variableKeys: z.array(z.string().min(1)).default([...DEFAULT_VARIABLE_KEYS]),
  /**
   * A plain-word value of a variable key (`user=root`) stays in the template while its slot has
   * seen at most this many distinct values: a category that tells events apart. One more and
   * the slot is an identifier: it becomes <*> and the groups merge (aliases keep their ids).
   * 0 masks such values at once, like the stateless maskVariables.
   */
  maxCategoryValues: z.number().int().min(0).max(64).default(4),
  /** Exact messages remembered for a fast path; cleared when full. Not persisted. */
  cacheSize: z.number().int().min(0).max(10_000_000).default(20_000),
});
export type FingerprinterOptions = z.infer<typeof FingerprinterOptionsSchema>;
export type FingerprinterOptionsInput = z.input<typeof FingerprinterOptionsSchema>;

export const ClusterStateSchema = z.object({
  /** Stable for the cluster's life: derived from the template that created it, never from the current one. */
  id: z.string().regex(/^[0-9a-f]{12}$/),
  kind: z.enum(['seq', 'kv']),
  /** Current template, tokens joined by one space (tokens never contain whitespace). */
  template: z.string().max(1_000_000),
  count: z.number().int().min(1),
  lastSeen: z.number().int().min(0),
});
export type ClusterState = z.infer<typeof ClusterStateSchema>;

/** The persisted parser: what toJSON() gives and fromJSON() takes. */
export const FingerprinterStateSchema = z.object({
  version: z.literal(1),
  tick: z.number().int().min(0),
  clusters: z.array(ClusterStateSchema),
  /** Ids of groups merged into another (old id -> id that took it), so ids handed out earlier resolve. */
  aliases: z.record(z.string().regex(/^[0-9a-f]{12}$/), z.string().regex(/^[0-9a-f]{12}$/)).default({}),
});
export type FingerprinterState = z.infer<typeof FingerprinterStateSchema>;
