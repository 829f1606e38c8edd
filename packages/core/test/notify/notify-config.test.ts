import { describe, expect, test } from '@jest/globals';
import { channelNameOf, notifySecretFiles, parseConfig } from '../../src/index';

describe('notify and heartbeat config', () => {
  test('defaults: no channels, no heartbeat', () => {
    const c = parseConfig({}, 'config.json');
    expect(c.notify.channels).toEqual([]);
    expect(c.heartbeat.url).toBeUndefined();
  });

  test('the three kinds, with their defaults', () => {
    const c = parseConfig({
      notify: {
        channels: [
          { kind: 'webhook', url: 'https://hooks.example.com/x', format: 'slack' },
          { kind: 'ntfy', topic: 'my-vm' },
          { kind: 'email', from: 'vm@example.com', to: ['me@example.com'], smtp: { host: 'smtp.example.com', user: 'me', passwordFile: '/etc/linux-devops-mcp/smtp-password' } },
        ],
      },
      heartbeat: { url: 'https://hc-ping.com/abc' },
    }, 'config.json');
    expect(c.notify.channels.map((ch, i) => channelNameOf(ch, i))).toEqual(['webhook-1', 'ntfy-2', 'email-3']);
    expect(c.notify.channels[1]).toMatchObject({ server: 'https://ntfy.sh', minSeverity: 'warn' });
    expect(c.notify.channels[2]).toMatchObject({ smtp: { port: 587, security: 'starttls' } });
    expect(notifySecretFiles(c)).toEqual(['/etc/linux-devops-mcp/smtp-password']);
  });

  test.each([
    [{ notify: { channels: [{ kind: 'pager', url: 'https://x' }] } }, /notify\.channels\.0\.kind/],
    [{ notify: { channels: [{ kind: 'webhook', url: 'https://x', colour: 'red' }] } }, /colour/],
    [{ notify: { channels: [{ kind: 'webhook' }] } }, /exactly one of url and urlFile/],
    [{ notify: { channels: [{ kind: 'webhook', urlFile: 'relative/file' }] } }, /absolute path/],
    [{ notify: { channels: [{ kind: 'email', from: 'a@b.c', to: ['d@e.f'], smtp: { host: 'h', user: 'u' } }] } }, /smtp.user and smtp.passwordFile go together/],
    [{ notify: { channels: [{ kind: 'ntfy', topic: 'a', name: 'x' }, { kind: 'ntfy', topic: 'b', name: 'x' }] } }, /unique/],
    [{ notify: { chanels: [] } }, /chanels/],
    [{ heartbeat: { url: 'ftp://x/y' } }, /heartbeat\.url/],
  ])('refused, naming the bad input: %j', (raw, why) => {
    expect(() => parseConfig(raw, 'config.json')).toThrow(why);
  });

  test('every secret file is listed for the sandbox and the policy', () => {
    const c = parseConfig({
      notify: { channels: [{ kind: 'webhook', urlFile: '/etc/ldm/slack-url' }, { kind: 'ntfy', topic: 't', tokenFile: '/etc/ldm/ntfy-token' }] },
      heartbeat: { urlFile: '/etc/ldm/hc-url' },
    }, 'config.json');
    expect(notifySecretFiles(c).sort()).toEqual(['/etc/ldm/hc-url', '/etc/ldm/ntfy-token', '/etc/ldm/slack-url']);
  });
});
