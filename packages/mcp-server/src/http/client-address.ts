import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * The address a request comes from. Behind the reverse proxy on loopback that is the last
 * X-Forwarded-For entry (the one the proxy itself saw); from anywhere else the header is the
 * client's own claim and is ignored.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const forwarded = req.headers['x-forwarded-for'];
  if (!LOOPBACK.test(peer) || typeof forwarded !== 'string') return peer;
  const last = forwarded.split(',').pop()?.trim() ?? '';
  return isIP(last) ? last : peer;
}
