import { readFile } from 'node:fs/promises';
import { statusBelow } from '../levels';
import type { CustomCheckOf } from './custom-check-config';
import { daysLeft, probeSignal, type Probe, type ProbeResult } from './probe-result';

/** The server certificate's end date; the handshake is not required to verify (expiry is the question). */
export async function peerCertificateEnd(host: string, port: number, servername: string, signal: AbortSignal): Promise<{ validTo: string; authorized: boolean }> {
  // node:tls and node:crypto (~4 MB) load only when a tls check runs.
  const { connect } = await import('node:tls');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername, rejectUnauthorized: false });
    const abort = () => socket.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    socket.once('close', () => signal.removeEventListener('abort', abort));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      socket.destroy();
      if (!cert?.valid_to) reject(new Error(`${host}:${port} sent no certificate`));
      else resolve({ validTo: cert.valid_to, authorized: socket.authorized });
    });
    socket.once('error', reject);
  });
}

/** A certificate's days left, from a server (host:port) or a PEM file. */
export const tlsProbe: Probe<CustomCheckOf<'tls'>> = async (check, ctx): Promise<ProbeResult> => {
  const where = check.file ?? `${check.host}:${check.port}`;
  let validTo: string;
  let note = '';
  try {
    if (check.file) {
      const { X509Certificate } = await import('node:crypto');
      validTo = new X509Certificate(await readFile(check.file)).validTo;
    } else {
      const got = await peerCertificateEnd(check.host!, check.port, check.servername ?? check.host!, probeSignal(ctx, check.timeoutMs));
      validTo = got.validTo;
      if (!got.authorized) note = ' (not signed by a trusted CA)';
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { status: check.severity, message: `${where}: ${e.code ?? e.message}`, metrics: {}, problem: 'certificate unreadable', evidence: [`${where}: ${e.message}`] };
  }
  const days = daysLeft(validTo, ctx.deps.now());
  const s = statusBelow(days, check.days);
  const message = `${where}: certificate ends ${validTo}, ${days} days left${note}`;
  return s === 'ok' ? { status: s, message, metrics: { cert_days: days } } : { status: s, message, metrics: { cert_days: days }, problem: 'certificate expires soon', evidence: [message] };
};
