import { connect } from 'node:net';
import { statusAbove } from '../levels';
import type { CustomCheckOf } from './custom-check-config';
import { probeSignal, type Probe, type ProbeResult } from './probe-result';

/** Resolves with the connect time in ms; the socket is closed at once. */
export function connectTcp(host: string, port: number, signal: AbortSignal): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, signal });
    socket.once('connect', () => {
      socket.destroy();
      resolve(Math.round(performance.now() - started));
    });
    socket.once('error', reject);
  });
}

/** A TCP port accepts a connection, optionally within a latency. */
export const tcpProbe: Probe<CustomCheckOf<'tcp'>> = async (check, ctx): Promise<ProbeResult> => {
  const where = `${check.host}:${check.port}`;
  let ms: number;
  try {
    ms = await connectTcp(check.host, check.port, probeSignal(ctx, check.timeoutMs));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.name === 'AbortError' || e.name === 'TimeoutError' ? `no connection within ${check.timeoutMs} ms` : (e.code ?? e.message);
    return { status: check.severity, message: `${where}: ${why}`, metrics: {}, problem: 'port not reachable', evidence: [`connect ${where}: ${e.message}`] };
  }
  const s = check.latencyMs ? statusAbove(ms, check.latencyMs) : 'ok';
  const message = `${where} accepted a connection in ${ms} ms`;
  return s === 'ok' ? { status: s, message, metrics: { connect_ms: ms } } : { status: s, message, metrics: { connect_ms: ms }, problem: 'slow connection', evidence: [message] };
};
