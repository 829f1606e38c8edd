export interface RateLimit {
  /** Sustained requests per minute per client. */
  perMinute: number;
  /** Requests a client may send at once before the rate applies. */
  burst: number;
}

interface Bucket {
  tokens: number;
  updated: number;
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
    const refillPerMs = this.limit.perMinute / 60_000;
    let bucket = this.buckets.get(client);
    if (!bucket) {
      if (this.buckets.size >= this.maxClients) this.evictOldest();
      bucket = { tokens: this.limit.burst, updated: nowMs };
    } else {
      this.buckets.delete(client);
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (nowMs - bucket.updated) * refillPerMs);
      bucket.updated = nowMs;
    }
    this.buckets.set(client, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / refillPerMs / 1000);
  }

  private evictOldest(): void {
    const oldest = this.buckets.keys().next().value;
    if (oldest !== undefined) this.buckets.delete(oldest);
  }
}
