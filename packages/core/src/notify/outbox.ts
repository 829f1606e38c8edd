import * as z from 'zod';
import { cutText } from '../text/cut-text';
import { dedupKeyOf, NotifyEventSchema, type NotifyEvent } from './notify-event';
import type { NotifyConfig } from './notify-config';

// The notification queue kept in state.json (field `notify`): what waits to be sent, what was sent
// recently (dedup and rate), and how each channel fares. Every function here is pure; the clock is
// an argument. Bounded: maxPending items, dedup entries no older than dedupMin (at most 500), at
// most maxPerHour send times per channel.

export const PendingSchema = z.looseObject({
  id: z.string(),
  channel: z.string(),
  event: NotifyEventSchema,
  attempts: z.number().int().min(0).default(0),
  firstAt: z.string(),
  nextAt: z.string(),
  lastError: z.string().max(300).optional(),
});

export const ChannelHealthSchema = z.looseObject({
  failures: z.number().int().min(0).default(0),
  lastError: z.string().max(300).optional(),
  lastOk: z.string().optional(),
  failingSince: z.string().optional(),
});

export const NotifyStateSchema = z.looseObject({
  pending: z.array(PendingSchema).default([]),
  /** `channel|dedup key` → when it was queued. */
  recent: z.record(z.string(), z.string()).default({}),
  /** Per channel: send times within the last hour. */
  sentTimes: z.record(z.string(), z.array(z.string())).default({}),
  channels: z.record(z.string(), ChannelHealthSchema).default({}),
  /** Messages given up on (too old, queue full), for the briefing and the logs. */
  dropped: z.number().int().min(0).default(0),
  seq: z.number().int().min(0).default(0),
});

export type PendingItem = z.infer<typeof PendingSchema>;
export type NotifyState = z.infer<typeof NotifyStateSchema>;
export type OutboxLimits = Pick<NotifyConfig, 'dedupMin' | 'maxPerHour' | 'maxAgeMin' | 'retryMinSec' | 'retryMaxSec' | 'maxPending' | 'failingAfter'>;

const RECENT_MAX = 500;
const HOUR = 3_600_000;

/** Pure: the stored state, or an empty one when it is missing or unreadable (it is a cache, never a reason to fail). */
export function notifyStateOf(stored: unknown): NotifyState {
  const parsed = NotifyStateSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : NotifyStateSchema.parse({});
}

export interface ChannelTarget {
  name: string;
  minSeverity: 'warn' | 'crit';
}

/**
 * Pure: queues each event on each channel that takes its severity, except one sent (queued) on
 * that channel within dedupMin. Test messages are never deduplicated. Past maxPending, the oldest
 * items are dropped.
 */
export function enqueue(state: NotifyState, events: NotifyEvent[], channels: ChannelTarget[], now: Date, limits: OutboxLimits): { state: NotifyState; queued: PendingItem[] } {
  const next = structuredClone(state);
  const at = now.toISOString();
  const queued: PendingItem[] = [];
  pruneRecent(next, now, limits);
  for (const event of events) {
    for (const ch of channels) {
      if (event.kind !== 'test' && ch.minSeverity === 'crit' && event.severity !== 'crit') continue;
      const key = `${ch.name}|${dedupKeyOf(event)}`;
      if (event.kind !== 'test' && next.recent[key] !== undefined) continue;
      if (event.kind !== 'test') next.recent[key] = at;
      next.seq += 1;
      // The time is part of the id: another program (the OnFailure hook) may queue from the same seq.
      const item: PendingItem = { id: `${now.getTime().toString(36)}.${next.seq}`, channel: ch.name, event, attempts: 0, firstAt: at, nextAt: at };
      next.pending.push(item);
      queued.push(item);
    }
  }
  const excess = next.pending.length - limits.maxPending;
  if (excess > 0) {
    next.pending = next.pending.slice(excess);
    next.dropped += excess;
  }
  return { state: next, queued };
}

function pruneRecent(state: NotifyState, now: Date, limits: OutboxLimits): void {
  const cutoff = now.getTime() - limits.dedupMin * 60_000;
  const kept = Object.entries(state.recent).filter(([, t]) => Date.parse(t) > cutoff);
  state.recent = Object.fromEntries(kept.sort((a, b) => a[1].localeCompare(b[1])).slice(-RECENT_MAX));
}

/**
 * Pure: drops items past maxAgeMin (or for channels no longer configured) and returns those due
 * now, in queue order, within each channel's hourly allowance. The rest wait.
 */
export function takeDue(state: NotifyState, now: Date, limits: OutboxLimits, channels: string[]): { state: NotifyState; due: PendingItem[] } {
  const next = structuredClone(state);
  const oldest = now.getTime() - limits.maxAgeMin * 60_000;
  const before = next.pending.length;
  next.pending = next.pending.filter((p) => Date.parse(p.firstAt) > oldest && channels.includes(p.channel));
  next.dropped += before - next.pending.length;
  const hourAgo = now.getTime() - HOUR;
  for (const [ch, times] of Object.entries(next.sentTimes)) {
    const recent = times.filter((t) => Date.parse(t) > hourAgo);
    if (recent.length) next.sentTimes[ch] = recent;
    else delete next.sentTimes[ch];
  }
  const allowance = new Map(channels.map((c) => [c, limits.maxPerHour - (next.sentTimes[c]?.length ?? 0)]));
  const due: PendingItem[] = [];
  for (const p of next.pending) {
    if (Date.parse(p.nextAt) > now.getTime()) continue;
    const left = allowance.get(p.channel) ?? 0;
    if (left <= 0) continue;
    allowance.set(p.channel, left - 1);
    due.push(p);
  }
  return { state: next, due };
}

/** Pure: the wait before attempt n+1 after n failed ones: retryMinSec doubling, at most retryMaxSec. */
export function backoffSec(attempts: number, limits: Pick<OutboxLimits, 'retryMinSec' | 'retryMaxSec'>): number {
  return Math.min(limits.retryMaxSec, limits.retryMinSec * 2 ** Math.min(30, Math.max(0, attempts - 1)));
}

/** Pure: the outcome of one send. A sent item leaves the queue; a failed one waits its backoff. */
export function recordResult(state: NotifyState, id: string, result: { ok: true } | { ok: false; error: string }, now: Date, limits: OutboxLimits): NotifyState {
  const next = structuredClone(state);
  const item = next.pending.find((p) => p.id === id);
  if (!item) return next;
  const at = now.toISOString();
  const health = (next.channels[item.channel] ??= { failures: 0 });
  if (result.ok) {
    next.pending = next.pending.filter((p) => p.id !== id);
    next.sentTimes[item.channel] = [...(next.sentTimes[item.channel] ?? []), at].slice(-limits.maxPerHour);
    next.channels[item.channel] = { failures: 0, lastOk: at };
    return next;
  }
  const error = cutText(result.error, 300);
  item.attempts += 1;
  item.lastError = error;
  item.nextAt = new Date(now.getTime() + backoffSec(item.attempts, limits) * 1000).toISOString();
  health.failures += 1;
  health.lastError = error;
  health.failingSince ??= at;
  // A test message is sent once: --test-notify reports its outcome at once, nothing retries it.
  if (item.event.kind === 'test') next.pending = next.pending.filter((p) => p.id !== id);
  return next;
}

/** Pure: the channels that failed failingAfter sends in a row, with their last error. */
export function failingChannels(state: NotifyState, limits: Pick<OutboxLimits, 'failingAfter'>, channels: string[]): Array<{ name: string; failures: number; lastError: string; since: string }> {
  return channels.flatMap((name) => {
    const h = state.channels[name];
    return h && h.failures >= limits.failingAfter ? [{ name, failures: h.failures, lastError: h.lastError ?? 'unknown error', since: h.failingSince ?? '' }] : [];
  });
}

/**
 * Pure: the state to write back under the lock. `written` is what state.json holds now, `snapshot`
 * what this run started from and `mine` what it made: items and dedup entries another program
 * (the OnFailure hook) added meanwhile are kept, and the rest is this run's.
 */
export function mergeNotifyState(written: NotifyState, snapshot: NotifyState, mine: NotifyState, maxPending: number): NotifyState {
  const known = new Set([...snapshot.pending, ...mine.pending].map((p) => p.id));
  const theirs = written.pending.filter((p) => !known.has(p.id));
  const pending = [...mine.pending, ...theirs].slice(-maxPending);
  const recent = { ...written.recent, ...mine.recent };
  const seq = Math.max(written.seq, mine.seq);
  return { ...mine, pending, recent, seq };
}
