import { describe, expect, test } from '@jest/globals';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { clientFromMetadataDocument, fetchClientMetadata, isMetadataDocumentClientId } from '../../../src/http/auth/client-metadata-document';
import { isPublicAddress } from '../../../src/http/auth/public-address';
import { clientAddress } from '../../../src/http/client-address';

describe('public addresses (SSRF)', () => {
  test.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['64:ff9b::a9fe:a9fe', false],
    ['2001:db8::1', false],
    ['8.8.8.8', true],
    ['172.32.0.1', true],
    ['2606:4700::1111', true],
    ['::ffff:8.8.8.8', true],
    ['not-an-ip', false],
  ])('%s public: %s', (ip, expected) => expect(isPublicAddress(ip)).toBe(expected));
});

describe('Client ID Metadata Documents', () => {
  test('client ids that are documents: https with a path', () => {
    expect(isMetadataDocumentClientId('https://app.example/oauth/client.json')).toBe(true);
    expect(isMetadataDocumentClientId('https://app.example/')).toBe(false);
    expect(isMetadataDocumentClientId('http://app.example/c.json')).toBe(false);
    expect(isMetadataDocumentClientId('https://u:p@app.example/c.json')).toBe(false);
    expect(isMetadataDocumentClientId('3f1c2b9e-uuid')).toBe(false);
  });

  test('the document must name itself, list redirect URIs and hold no secret', () => {
    const url = 'https://app.example/client.json';
    const good = { client_id: url, client_name: 'App', redirect_uris: ['https://app.example/cb'] };
    expect(clientFromMetadataDocument(url, good)).toMatchObject({ client_id: url, client_name: 'App', token_endpoint_auth_method: 'none' });
    expect(() => clientFromMetadataDocument(url, { ...good, client_id: 'https://evil.example/c.json' })).toThrow(/another client_id/);
    expect(() => clientFromMetadataDocument(url, { ...good, redirect_uris: [] })).toThrow(/redirect_uris/);
    expect(() => clientFromMetadataDocument(url, { ...good, client_secret: 's' })).toThrow(/client_secret/);
    expect(() => clientFromMetadataDocument(url, { ...good, token_endpoint_auth_method: 'client_secret_basic' })).toThrow(/token_endpoint_auth_method/);
  });

  test('a document on this host or the private network is never fetched', async () => {
    // A server that would answer, to show it is not asked.
    let asked = 0;
    const server = createServer((_req, res) => {
      asked += 1;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(fetchClientMetadata(`https://127.0.0.1:${port}/client.json`)).rejects.toThrow(/not a public address/);
      await expect(fetchClientMetadata(`https://localhost:${port}/client.json`)).rejects.toThrow(/not a public address/);
      await expect(fetchClientMetadata('https://[::1]/client.json')).rejects.toThrow(/not a public address/);
      await expect(fetchClientMetadata('https://169.254.169.254/latest/meta-data')).rejects.toThrow(/not a public address/);
      expect(asked).toBe(0);
    } finally {
      server.close();
    }
  });
});

describe('client address', () => {
  const req = (peer: string, xff?: string) => ({ socket: { remoteAddress: peer }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as never;
  test('X-Forwarded-For counts only from the proxy on loopback, and only its last entry', () => {
    expect(clientAddress(req('127.0.0.1', '6.6.6.6, 203.0.113.9'))).toBe('203.0.113.9');
    expect(clientAddress(req('198.51.100.7', '203.0.113.9'))).toBe('198.51.100.7');
    expect(clientAddress(req('127.0.0.1', 'garbage'))).toBe('127.0.0.1');
    expect(clientAddress(req('127.0.0.1'))).toBe('127.0.0.1');
  });
});
