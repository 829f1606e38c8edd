export interface RateLimit {
  /** Sustained requests per minute per client. */
  perMinute: number;
  /** Requests a client may send at once before the rate applies. */
  burst: number;
}

interface Bucket {
  tokens: number;
  updated: number;
  /** The last take was refused: the next refusal is not news. */
  limited: boolean;
}

/** A token bucket per client. Pure apart from its own map; the clock is passed in. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly maxClients = 10_000,
  ) {}

  /** Takes one token; returns 0 when allowed, else the seconds until the next token. */
  take(client: string, nowMs: number): number {
    return this.attempt(client, nowMs).wait;
  }

  /** take(), also saying whether this refusal is the first since the client was last let through (worth a log line). */
  attempt(client: string, nowMs: number): { wait: number; first: boolean } {
    const refillPerMs = this.limit.perMinute / 60_000;
    let bucket = this.buckets.get(client);
    if (!bucket) {
      if (this.buckets.size >= this.maxClients) this.evictOldest();
      bucket = { tokens: this.limit.burst, updated: nowMs, limited: false };
    } else {
      this.buckets.delete(client);
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (nowMs - bucket.updated) * refillPerMs);
      bucket.updated = nowMs;
    }
    this.buckets.set(client, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.limited = false;
      return { wait: 0, first: false };
    }
    const first = !bucket.limited;
    bucket.limited = true;
    return { wait: Math.ceil((1 - bucket.tokens) / refillPerMs / 1000), first };
  }

  private evictOldest(): void {
    const oldest = this.buckets.keys().next().value;
    if (oldest !== undefined) this.buckets.delete(oldest);
  }
}
