import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { statusAbove, statusBelow } from '../levels';
import type { CustomCheckOf } from './custom-check-config';
import { daysLeft, probeSignal, worse, type Probe, type ProbeResult } from './probe-result';

/** The keyword is looked for in this much of the body; the rest is never read. */
export const BODY_LIMIT = 256 * 1024;

interface HttpAnswer {
  status: number;
  body: string;
  latencyMs: number;
  certValidTo?: string;
}

/** One request, body read up to BODY_LIMIT; no agent, so no socket outlives the run. */
export async function fetchBounded(url: URL, method: string, tlsVerify: boolean, signal: AbortSignal): Promise<HttpAnswer> {
  const started = performance.now();
  // node:https brings TLS and crypto (~4 MB): loaded only when an https check runs.
  const request = url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, signal, rejectUnauthorized: tlsVerify, headers: { 'user-agent': 'ldm-healthcheck' } }, (res: IncomingMessage) => {
      const certValidTo = url.protocol === 'https:' ? (res.socket as TLSSocket).getPeerCertificate?.()?.valid_to : undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        res.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), latencyMs: Math.round(performance.now() - started), certValidTo });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= BODY_LIMIT) done();
      });
      res.once('end', done);
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/** Pure: whether the status is one the check accepts (default: 2xx and 3xx). */
export function statusAccepted(status: number, accepted: number | number[] | undefined): boolean {
  if (accepted === undefined) return status >= 200 && status < 400;
  return (Array.isArray(accepted) ? accepted : [accepted]).includes(status);
}

/** Pure: the verdict on one answer. */
export function judgeHttp(check: CustomCheckOf<'http'>, a: HttpAnswer, now: Date): ProbeResult {
  const metrics: Record<string, number> = { status: a.status, latency_ms: a.latencyMs };
  const what = `${check.method} ${check.url}`;
  if (!statusAccepted(a.status, check.status)) {
    return { status: check.severity, message: `${what} answered ${a.status}`, metrics, problem: 'status not accepted', evidence: [`${what}: HTTP ${a.status} in ${a.latencyMs} ms`] };
  }
  if (check.keyword && !a.body.slice(0, BODY_LIMIT).includes(check.keyword)) {
    return { status: check.severity, message: `${what}: ${JSON.stringify(check.keyword)} not in the body`, metrics, problem: `keyword ${JSON.stringify(check.keyword)} missing`, evidence: [`${what}: HTTP ${a.status}, body starts ${JSON.stringify(a.body.slice(0, 120))}`] };
  }
  let status: ProbeResult['status'] = 'ok';
  const notes: string[] = [];
  let problem: string | undefined;
  if (check.latencyMs) {
    const s = statusAbove(a.latencyMs, check.latencyMs);
    if (s !== 'ok') [status, problem] = [worse(status, s), 'slow response'];
    if (s !== 'ok') notes.push(`slow: ${a.latencyMs} ms`);
  }
  if (a.certValidTo) {
    const days = daysLeft(a.certValidTo, now);
    metrics.cert_days = days;
    const s = statusBelow(days, check.certDays);
    if (s !== 'ok') {
      status = worse(status, s);
      problem = problem ? `${problem}, certificate expires soon` : 'certificate expires soon';
      notes.push(`certificate ends ${a.certValidTo} (${days} days)`);
    }
  }
  const message = `${what} answered ${a.status} in ${a.latencyMs} ms${notes.length ? `; ${notes.join('; ')}` : ''}`;
  return status === 'ok' ? { status, message, metrics } : { status, message, metrics, problem, evidence: [message] };
}

/** An HTTP(S) endpoint: status, keyword, latency and, for https, the certificate's days left. */
export const httpProbe: Probe<CustomCheckOf<'http'>> = async (check, ctx): Promise<ProbeResult> => {
  let answer: HttpAnswer;
  try {
    answer = await fetchBounded(new URL(check.url), check.method, check.tlsVerify, probeSignal(ctx, check.timeoutMs));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.name === 'AbortError' || e.name === 'TimeoutError' ? `no answer within ${check.timeoutMs} ms` : (e.code ?? e.message);
    return { status: check.severity, message: `${check.method} ${check.url}: ${why}`, metrics: {}, problem: 'no answer', evidence: [`${check.method} ${check.url}: ${e.message}`] };
  }
  return judgeHttp(check, answer, ctx.deps.now());
};
