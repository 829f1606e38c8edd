import { describeErrorChain } from '../text/error-chain';
import type { HealthCheck, CheckResult } from './types';

/** The Ollama API, when config ollama.url is set: GET /api/version within a short timeout. */
export const ollamaCheck: HealthCheck = {
  id: 'ollama',
  defaultEnabled: true,
  async run(ctx): Promise<CheckResult> {
    const base = ctx.config.ollama.url;
    if (!base) return { status: 'skipped', message: 'ollama.url is not configured', metrics: {} };
    const url = `${base.replace(/\/+$/, '')}/api/version`;
    const timeoutMs = typeof ctx.settings.timeoutMs === 'number' ? ctx.settings.timeoutMs : 3000;
    const started = performance.now();
    const fail = (why: string) => ({
      status: 'warn' as const,
      message: `Ollama at ${base} is not answering: ${why}`,
      metrics: { ollama_up: 0 },
      findings: [{ subject: 'ollama', severity: 'warn' as const, summary: `Ollama API is not answering at ${base}`, evidence: [why] }],
    });
    let res: Response;
    try {
      res = await ctx.deps.fetch(url, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) });
    } catch (err) {
      return fail(describeErrorChain(err, 2));
    }
    const ms = Math.round(performance.now() - started);
    if (!res.ok) return fail(`GET ${url} returned HTTP ${res.status}`);
    const body = (await res.json().catch(() => null)) as { version?: unknown } | null;
    if (typeof body?.version !== 'string') return fail(`GET ${url} did not return {version}`);
    return { status: 'ok', message: `Ollama ${body.version} answered in ${ms} ms`, metrics: { ollama_up: 1, ollama_ms: ms } };
  },
};
