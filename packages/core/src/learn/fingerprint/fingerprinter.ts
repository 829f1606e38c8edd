import { sha256Hex12 } from '../../node/on-demand';
import type { FingerprintResult } from '../types';
import { compareTokens, compareVerdict, HARD, MATCH, SOFT } from './compare-tokens';
import {
  FingerprinterOptionsSchema,
  FingerprinterStateSchema,
  type ClusterState,
  type FingerprinterOptions,
  type FingerprinterOptionsInput,
  type FingerprinterState,
} from './fingerprinter-state';
import { categoryMask, maskTokens, WILDCARD, type MaskOptions } from './mask-tokens';

// An online log parser in the spirit of Drain (He et al., ICWS 2017): lines are routed by token
// count and first token to a short list of clusters, and join the most similar one above a
// threshold, generalising its template. Differences from Drain, each for a measured reason
// (docs/fingerprint.md): masking is richer (dates, key=value, units, segments inside tokens);
// a differing slot is SOFT or HARD (compare-tokens.ts) so lines of different shapes never merge;
// a first token seen with three values, the rest equal, becomes a variable (mergeHeads); and long
// key=value lines (audit, iptables/UFW) are grouped by their set of keys, because their optional
// fields change the token count that Drain routes on.

interface Cluster {
  readonly id: string;
  readonly kind: 'seq' | 'kv';
  bucket: string;
  tokens: string[];
  /** kv clusters: the keys of the line that created it. */
  readonly keys: ReadonlySet<string> | null;
  /** seq clusters whose template keeps a categorical value (user=root): the template with those masked. */
  family: string | null;
  count: number;
  lastSeen: number;
  result: FingerprintResult;
  alive: boolean;
}

interface Routed {
  kind: 'seq' | 'kv';
  bucket: string;
  /** seq: the first token, or <*> when it holds a variable. */
  head: string;
  tokens: string[];
  keys: Set<string> | null;
}

const bucketOf = (length: number, head: string): string => `${length}\u0000${head}`;
const restOf = (tokens: readonly string[]): string => `${tokens.length}\u0000${tokens.slice(1).join(' ')}`;

/** Distinct first tokens, otherwise equal, after which the first token counts as a variable. */
const HEAD_VARIANTS = 3;
/** Shorter lines carry too little context to tell a variable first word from the event's verb. */
const HEAD_MIN_TOKENS = 4;

// Every token a variable with at most punctuation around it ("<*>", "<*>:").
function allVariable(tokens: readonly string[]): boolean {
  for (const t of tokens) if (!t.startsWith(WILDCARD) || t.length > WILDCARD.length + 1) return false;
  return true;
}

function idFor(template: string, salt: number): string {
  return sha256Hex12(salt === 0 ? template : `${template}#${salt}`);
}

// "KEY=..." with a key made of word characters: the unit of audit and iptables lines.
function kvKey(t: string): string | null {
  const c0 = t.charCodeAt(0);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122))) return null;
  for (let i = 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 61) return t.slice(0, i);
    const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
    if (!word) return null;
  }
  return null;
}

/**
 * Most clusters of one bucket a line is compared with: the most recently created or matched.
 * Logs with structure keep buckets far smaller; this bounds the cost of ones without (random
 * text after a number: one bucket per length, and a quadratic scan without the bound).
 */
const MAX_SCAN = 256;

// Moves a matched cluster that is about to leave the scanned window to the window's end.
function keepInWindow(list: Cluster[], c: Cluster | null): Cluster | null {
  if (c === null || list.length <= MAX_SCAN) return c;
  const k = list.lastIndexOf(c);
  if (k < list.length - MAX_SCAN / 2) {
    list.splice(k, 1);
    list.push(c);
  }
  return c;
}

/** Online, incremental log template miner with a bounded, persistable state. */
export class Fingerprinter {
  readonly options: FingerprinterOptions;
  private readonly maskOptions: MaskOptions;
  private readonly buckets = new Map<string, Cluster[]>();
  private readonly byId = new Map<string, Cluster>();
  private readonly cache = new Map<string, Cluster>();
  /** seq clusters by their template without its first token, to find first-token variants (see mergeHeads). */
  private readonly byRest = new Map<string, Cluster[]>();
  /** seq clusters with categorical values by their family (see mergeCategories). */
  private readonly byFamily = new Map<string, Cluster[]>();
  /** Ids of clusters merged into another: old id -> id of the cluster that took them. */
  private readonly aliases = new Map<string, string>();
  private tick = 0;

  constructor(options: FingerprinterOptionsInput = {}) {
    const parsed = FingerprinterOptionsSchema.safeParse(options);
    if (!parsed.success) throw new Error(`invalid fingerprinter options ${JSON.stringify(options)}: ${parsed.error.message}`, { cause: parsed.error });
    this.options = parsed.data;
    this.maskOptions = {
      variableKeys: new Set(this.options.variableKeys.map((k) => k.toLowerCase())),
      maxTokenLength: this.options.maxTokenLength,
      keepWordValues: this.options.maxCategoryValues > 0,
    };
  }

  /** Restores a parser saved with toJSON(); options are configuration, not state, so they are passed again. */
  static fromJSON(state: unknown, options: FingerprinterOptionsInput = {}): Fingerprinter {
    const parsed = FingerprinterStateSchema.safeParse(state);
    if (!parsed.success) throw new Error(`invalid fingerprinter state: ${parsed.error.message}`, { cause: parsed.error });
    const fp = new Fingerprinter(options);
    fp.tick = parsed.data.tick;
    // Oldest first, so that if the saved state is larger than this maxClusters the newest survive.
    const clusters = [...parsed.data.clusters].sort((a, b) => a.lastSeen - b.lastSeen);
    for (const c of clusters) fp.restore(c);
    for (const [from, to] of Object.entries(parsed.data.aliases)) fp.aliases.set(from, to);
    fp.evictIfFull();
    fp.pruneAliases();
    return fp;
  }

  /** Number of live clusters (templates). */
  get size(): number {
    return this.byId.size;
  }

  /** Fingerprints a message and learns from it: it may create a cluster or generalise one. The result is frozen. */
  learn(message: string): FingerprintResult {
    const tick = ++this.tick;
    const cached = this.cache.get(message);
    if (cached !== undefined && cached.alive) {
      cached.count++;
      cached.lastSeen = tick;
      return cached.result;
    }
    const routed = this.route(message);
    let cluster = this.search(routed);
    if (cluster === null) cluster = this.mergeCategories(this.mergeHeads(this.create(routed)));
    else {
      if (routed.kind === 'seq') this.generalise(cluster, routed.tokens);
      cluster.count++;
    }
    cluster.lastSeen = tick;
    this.remember(message, cluster);
    this.evictIfFull();
    return cluster.result;
  }

  /** Fingerprints a message without learning: null when no template is close enough. */
  match(message: string): FingerprintResult | null {
    const cached = this.cache.get(message);
    if (cached !== undefined && cached.alive) return cached.result;
    const cluster = this.search(this.route(message));
    return cluster === null ? null : cluster.result;
  }

  /** The current template of a fingerprint's group, or undefined once it was evicted or never existed. */
  template(fingerprint: string): string | undefined {
    return this.byId.get(this.resolve(fingerprint))?.result.template;
  }

  /**
   * The id of the group a fingerprint now belongs to: itself, unless its group was merged into
   * an older one (see mergeHeads). Ids handed out earlier stay meaningful through this.
   */
  resolve(fingerprint: string): string {
    let id = fingerprint;
    for (let hops = 0; hops < 16; hops++) {
      const next = this.aliases.get(id);
      if (next === undefined) return id;
      id = next;
    }
    return id;
  }

  /** The state to persist: bounded by maxClusters × maxTokens × (maxTokenLength + 1) characters of templates. */
  toJSON(): FingerprinterState {
    const clusters: ClusterState[] = [];
    for (const c of this.byId.values()) {
      clusters.push({ id: c.id, kind: c.kind, template: c.result.template, count: c.count, lastSeen: c.lastSeen });
    }
    return { version: 1, tick: this.tick, clusters, aliases: Object.fromEntries(this.aliases) };
  }

  private route(message: string): Routed {
    const tokens = maskTokens(message, this.maskOptions);
    const max = this.options.maxTokens;
    if (tokens.length > max) {
      tokens.length = max;
      tokens[max - 1] = WILDCARD;
    }
    let pairs = 0;
    for (const t of tokens) if (t.includes('=') && kvKey(t) !== null) pairs++;
    if (pairs >= this.options.kvMinPairs) {
      const keys = new Set<string>();
      const prefix: string[] = [];
      const out: string[] = [];
      for (const t of tokens) {
        const key = kvKey(t);
        if (key !== null) {
          keys.add(key);
          out.push(t.length > key.length + 1 ? `${key}=${WILDCARD}` : t);
        } else {
          if (keys.size === 0) prefix.push(t);
          out.push(t);
        }
      }
      return { kind: 'kv', bucket: `kv\u0000${prefix.join(' ')}`, head: '', tokens: out, keys };
    }
    const first = tokens[0] ?? '';
    const head = first.includes(WILDCARD) ? WILDCARD : first;
    return { kind: 'seq', bucket: bucketOf(tokens.length, head), head, tokens, keys: null };
  }

  private search(r: Routed): Cluster | null {
    const list = this.buckets.get(r.bucket) ?? [];
    let best: Cluster | null = null;
    let bestScore = -1;
    if (r.kind === 'kv') {
      for (let k = Math.max(0, list.length - MAX_SCAN); k < list.length; k++) {
        const c = list[k]!;
        let common = 0;
        for (const k of r.keys!) if (c.keys!.has(k)) common++;
        const score = common / (r.keys!.size + c.keys!.size - common);
        if (score >= this.options.kvSimilarity && score > bestScore) {
          best = c;
          bestScore = score;
        }
      }
      return keepInWindow(list, best);
    }
    best = this.bestOf(list, r.tokens, this.options.similarityThreshold, false);
    if (best !== null || r.head === WILDCARD) return best;
    // As Drain3's tree search does: a first token with no cluster of its own may still fit a
    // cluster whose first token is a variable. Scored as Drain scores, a word under a template's
    // <*> not counting as agreement: else a template of mostly <*> takes any line of its length.
    const wild = this.buckets.get(bucketOf(r.tokens.length, WILDCARD));
    return wild === undefined ? null : this.bestOf(wild, r.tokens, this.options.similarityThreshold, true);
  }


  private bestOf(list: Cluster[], line: readonly string[], threshold: number, strict: boolean): Cluster | null {
    const n = line.length;
    // A cluster is out once more slots differ than the threshold allows.
    const maxSoft = Math.floor(n * (1 - threshold) + 1e-9);
    let best: Cluster | null = null;
    let bestScore = -1;
    let lineVariable: boolean | null = null;
    outer: for (let k = Math.max(0, list.length - MAX_SCAN); k < list.length; k++) {
      const c = list[k]!;
      const tmpl = c.tokens;
      // A template of variables alone holds no evidence of an event: it takes only lines that
      // are variables alone too, or every short line of its length would join it.
      if (allVariable(tmpl) && !(lineVariable ??= allVariable(line))) continue;
      let soft = 0;
      for (let i = 0; i < n; i++) {
        const a = tmpl[i]!;
        const b = line[i]!;
        if (a === b) continue;
        if (a === WILDCARD) {
          if (strict && ++soft > maxSoft) continue outer;
          continue;
        }
        const v = compareVerdict(a, b);
        if (v === HARD) continue outer;
        if (v === SOFT && ++soft > maxSoft) continue outer;
      }
      const score = n === 0 ? 1 : (n - soft) / n;
      if (score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    return keepInWindow(list, best);
  }

  private generalise(c: Cluster, line: string[]): void {
    let changed: string[] | null = null;
    const tmpl = c.tokens;
    for (let i = 0; i < tmpl.length; i++) {
      const a = tmpl[i]!;
      const b = line[i]!;
      if (a === b || a === WILDCARD) continue;
      const { verdict, merged } = compareTokens(a, b);
      if (verdict !== HARD && merged !== a) (changed ??= tmpl.slice())[i] = merged;
    }
    if (changed !== null) {
      this.unlink(c);
      c.tokens = changed;
      c.result = Object.freeze({ fingerprint: c.id, template: changed.join(' ') });
      this.add(c);
    }
  }

  private create(r: Routed): Cluster {
    const template = r.tokens.join(' ');
    let salt = 0;
    let id = idFor(template, salt);
    // An alias keeps meaning the group it was merged into, so a new group can't take its id.
    while (this.byId.has(id) || this.aliases.has(id)) id = idFor(template, ++salt);
    const cluster: Cluster = {
      id,
      kind: r.kind,
      bucket: r.bucket,
      tokens: r.tokens,
      keys: r.keys,
      family: null,
      count: 1,
      lastSeen: this.tick,
      result: Object.freeze({ fingerprint: id, template }),
      alive: true,
    };
    this.add(cluster);
    return cluster;
  }

  private restore(s: ClusterState): void {
    if (this.byId.has(s.id)) throw new Error(`invalid fingerprinter state: duplicate cluster id ${s.id}`);
    // Masking is idempotent on masked text, so routing a template gives back its own tokens and
    // bucket; routing (rather than splitting) also applies this instance's maxTokens.
    const r = this.route(s.template);
    this.add({
      id: s.id,
      kind: r.kind,
      bucket: r.bucket,
      tokens: r.tokens,
      keys: r.keys,
      family: null,
      count: s.count,
      lastSeen: s.lastSeen,
      result: Object.freeze({ fingerprint: s.id, template: r.tokens.join(' ') }),
      alive: true,
    });
  }

  private add(c: Cluster): void {
    const list = this.buckets.get(c.bucket);
    if (list === undefined) this.buckets.set(c.bucket, [c]);
    else list.push(c);
    this.byId.set(c.id, c);
    if (c.kind === 'seq') {
      const rest = restOf(c.tokens);
      const same = this.byRest.get(rest);
      if (same === undefined) this.byRest.set(rest, [c]);
      else same.push(c);
      c.family = this.familyOf(c.tokens);
      if (c.family !== null) {
        const kin = this.byFamily.get(c.family);
        if (kin === undefined) this.byFamily.set(c.family, [c]);
        else kin.push(c);
      }
    }
  }

  // The template with its categorical values masked, or null when it keeps none.
  private familyOf(tokens: readonly string[]): string | null {
    if (this.options.maxCategoryValues === 0) return null;
    let masked: string[] | null = null;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (!t.includes('=')) continue;
      const m = categoryMask(t, this.maskOptions.variableKeys);
      if (m !== null) (masked ??= tokens.slice())[i] = m;
    }
    return masked === null ? null : `${tokens.length}\u0000${masked.join(' ')}`;
  }

  private unlink(c: Cluster): void {
    const drop = (map: Map<string, Cluster[]>, key: string): void => {
      const list = map.get(key);
      if (list === undefined) return;
      const kept = list.filter((x) => x !== c);
      if (kept.length === 0) map.delete(key);
      else map.set(key, kept);
    };
    drop(this.buckets, c.bucket);
    if (c.kind === 'seq') drop(this.byRest, restOf(c.tokens));
    if (c.family !== null) drop(this.byFamily, c.family);
    this.byId.delete(c.id);
  }

  /**
   * Drain routes on the first token, so when that token names the subject ("mysqld invoked
   * oom-killer: ...", "chrome.exe - ... open through proxy ...") each subject gets its own
   * cluster. When a new cluster makes HEAD_VARIANTS clusters that differ only in their first
   * token, that token is a variable: they merge into the oldest, whose id the others become
   * aliases of. Two variants are not enough: "Failed password ..." and "Accepted password ..."
   * are two events.
   */
  private mergeHeads(c: Cluster): Cluster {
    const n = c.tokens.length;
    if (c.kind !== 'seq' || n < HEAD_MIN_TOKENS || c.tokens[0]!.includes(WILDCARD)) return c;
    // Same rest, as text: an index lookup, not a scan, since this runs for every new cluster.
    const same = this.byRest.get(restOf(c.tokens)) ?? [];
    // Already merged (a strict similarityThreshold can keep a line out of it): join it.
    const merged = same.find((x) => x.tokens[0] === WILDCARD);
    const group = same.filter((x) => !x.tokens[0]!.includes(WILDCARD));
    if (merged === undefined && new Set(group.map((x) => x.tokens[0])).size < HEAD_VARIANTS) return c;
    // The most seen keeps its id: the one most likely already stored in incidents.
    const survivor = merged ?? group.reduce((a, b) => (b.count > a.count ? b : a));
    const tokens = survivor.tokens.slice();
    tokens[0] = WILDCARD;
    return this.absorb(survivor, group, tokens, bucketOf(n, WILDCARD));
  }

  /**
   * Categorical vs identifier values. A plain-word value of a variable key is kept in the
   * template (`user=root`, `user=guest` are two groups), since a key whose value takes a few
   * recurring values names the kind of event (Loghub Linux_2k labels root, guest and test logins
   * as three events). When a new cluster makes more than maxCategoryValues clusters equal but
   * for such values, the slot holds identifiers (users of a brute force, hosts): the values that
   * differ become <*> and the clusters merge into the most seen, the others becoming its aliases.
   * From then on the merged template takes any value in that slot.
   */
  private mergeCategories(c: Cluster): Cluster {
    if (c.family === null) return c;
    const kin = this.byFamily.get(c.family) ?? [];
    // Already generalised (a strict similarityThreshold can keep a line out of it): join it.
    const open = kin.find((x) => x !== c && this.covers(x.tokens, c.tokens));
    if (open === undefined && kin.length <= this.options.maxCategoryValues) return c;
    const survivor = open ?? kin.reduce((a, b) => (b.count > a.count ? b : a));
    const group = open === undefined ? kin : [open, c];
    const tokens = survivor.tokens.slice();
    for (let i = 0; i < tokens.length; i++) {
      if (group.some((x) => x.tokens[i] !== tokens[i])) tokens[i] = categoryMask(tokens[i]!, this.maskOptions.variableKeys) ?? tokens[i]!;
    }
    return this.absorb(survivor, group, tokens, survivor.bucket);
  }

  // True when every token of `line` is an instance of the template token at its place.
  private covers(tmpl: readonly string[], line: readonly string[]): boolean {
    for (let i = 0; i < tmpl.length; i++) if (compareVerdict(tmpl[i]!, line[i]!) !== MATCH) return false;
    return true;
  }

  // Merges `group` into `survivor`, which takes `tokens` as its template: the others become aliases.
  private absorb(survivor: Cluster, group: readonly Cluster[], tokens: string[], bucket: string): Cluster {
    for (const x of group) {
      if (x === survivor) continue;
      this.unlink(x);
      x.alive = false;
      this.aliases.set(x.id, survivor.id);
      survivor.count += x.count;
      survivor.lastSeen = Math.max(survivor.lastSeen, x.lastSeen);
    }
    this.unlink(survivor);
    survivor.tokens = tokens;
    survivor.bucket = bucket;
    survivor.result = Object.freeze({ fingerprint: survivor.id, template: tokens.join(' ') });
    this.add(survivor);
    return survivor;
  }

  // Aliases are kept while the cluster they lead to lives, and at most maxClusters of them.
  private pruneAliases(): void {
    for (const [from, to] of this.aliases) if (!this.byId.has(this.resolve(to))) this.aliases.delete(from);
    const excess = this.aliases.size - this.options.maxClusters;
    if (excess > 0) {
      let k = 0;
      for (const from of this.aliases.keys()) {
        if (k++ >= excess) break;
        this.aliases.delete(from);
      }
    }
  }

  private remember(message: string, c: Cluster): void {
    if (this.options.cacheSize === 0) return;
    if (this.cache.size >= this.options.cacheSize) this.cache.clear();
    this.cache.set(message, c);
  }

  // Drops the least recently seen tenth at once, so the O(n) sort runs once per many creations.
  private evictIfFull(): void {
    const max = this.options.maxClusters;
    if (this.byId.size <= max) return;
    const all = [...this.byId.values()].sort((a, b) => a.lastSeen - b.lastSeen);
    const target = Math.max(0, Math.min(max - Math.ceil(max / 10), max));
    const drop = all.slice(0, all.length - target);
    for (const c of drop) {
      c.alive = false;
      this.byId.delete(c.id);
    }
    for (const [key, list] of this.buckets) {
      const kept = list.filter((x) => x.alive);
      if (kept.length === 0) this.buckets.delete(key);
      else if (kept.length !== list.length) this.buckets.set(key, kept);
    }
    for (const map of [this.byRest, this.byFamily]) {
      for (const [key, list] of map) {
        const kept = list.filter((x) => x.alive);
        if (kept.length === 0) map.delete(key);
        else if (kept.length !== list.length) map.set(key, kept);
      }
    }
    this.pruneAliases();
  }
}
