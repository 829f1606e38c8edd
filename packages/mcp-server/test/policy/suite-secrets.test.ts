// The HTTP token is the suite's own secret: a model that could read it could open its own HTTP
// session and answer its own approval prompts. The file tools run as root outside the sandbox, so
// the path policy itself must refuse it, wherever http.tokenFile points. Judged by the text returned.
import { afterEach, expect, test } from '@jest/globals';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decideCommand, decideHostCommand, decidePath, redactSecrets, resolvePathForPolicy } from '@ldm/core';
import { makeDeps } from '../support/make-deps';
import { connect, type Connected } from '../support/connect';
import type { PolicyPort } from '../../src/server/deps';

const realPolicy: PolicyPort = { decideCommand, decideHostCommand, decidePath, resolvePathForPolicy, redactSecrets };
const MARKER = 'tokenmarker7f3a9c2e41d0b8a6tokenmarker';

let open: Connected | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

test('read_file never returns the HTTP token, by its path, through a symlink, or where http.tokenFile points', async () => {
  const env = makeDeps({ policy: realPolicy });
  mkdirSync(join(env.dir, 'secrets'));
  const envToken = join(env.dir, 'secrets', 'token');
  env.deps.config.http.tokenFile = envToken;
  writeFileSync(envToken, `${MARKER}\n`, { mode: 0o600 });
  symlinkSync(envToken, join(env.dir, 'innocent.txt'));
  open = await connect(env.deps);
  for (const path of [envToken, join(env.dir, 'innocent.txt'), join(env.dir, 'secrets', '.', 'token')]) {
    const r = await open.client.callTool({ name: 'read_file', arguments: { path } });
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r)).not.toContain(MARKER);
    expect(JSON.stringify(r)).not.toContain(Buffer.from(MARKER).toString('base64').slice(0, 20));
  }
  // Control: the directory may still be listed, and another file in it read.
  writeFileSync(join(env.dir, 'secrets', 'readme'), 'hello\n');
  const ok = await open.client.callTool({ name: 'read_file', arguments: { path: join(env.dir, 'secrets', 'readme') } });
  expect(ok.isError).toBeFalsy();
  expect(JSON.stringify(ok)).toContain('hello');
});

test('read_file never returns a notification secret (webhook URL, ntfy token, SMTP password, heartbeat URL file) wherever the config puts it', async () => {
  const env = makeDeps({ policy: realPolicy });
  mkdirSync(join(env.dir, 'notify'));
  const files = ['webhook-url', 'ntfy-token', 'smtp-password', 'hc-url'].map((n) => join(env.dir, 'notify', n));
  for (const f of files) writeFileSync(f, `${MARKER}\n`, { mode: 0o600 });
  env.deps.config.notify.channels = [
    { kind: 'webhook', urlFile: files[0]!, format: 'json', minSeverity: 'warn' },
    { kind: 'ntfy', topic: 't', server: 'https://ntfy.sh', tokenFile: files[1]!, minSeverity: 'warn' },
    { kind: 'email', from: 'a@b.cc', to: ['c@d.ee'], sendmail: '/usr/sbin/sendmail', smtp: { host: 'h', port: 587, security: 'starttls', user: 'u', passwordFile: files[2]! }, minSeverity: 'warn' },
  ];
  env.deps.config.heartbeat.urlFile = files[3]!;
  open = await connect(env.deps);
  for (const path of files) {
    const r = await open.client.callTool({ name: 'read_file', arguments: { path } });
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r)).not.toContain(MARKER);
  }
  writeFileSync(join(env.dir, 'notify', 'readme'), 'hello\n');
  const ok = await open.client.callTool({ name: 'read_file', arguments: { path: join(env.dir, 'notify', 'readme') } });
  expect(JSON.stringify(ok)).toContain('hello');
});

test('read_file never returns the OAuth grants file (oauth.json in the state dir, or where http.oauth.file points)', async () => {
  const env = makeDeps({ policy: realPolicy });
  const inState = join(env.deps.paths.stateDir, 'oauth.json');
  const elsewhere = join(env.dir, 'grants', 'oauth.json');
  mkdirSync(env.deps.paths.stateDir, { recursive: true });
  mkdirSync(join(env.dir, 'grants'));
  writeFileSync(inState, `{"pair":"${MARKER}"}\n`, { mode: 0o600 });
  writeFileSync(elsewhere, `{"pair":"${MARKER}"}\n`, { mode: 0o600 });
  open = await connect(env.deps);
  const r1 = await open.client.callTool({ name: 'read_file', arguments: { path: inState } });
  expect(JSON.stringify(r1)).not.toContain(MARKER);
  await open.close();
  env.deps.config.http.oauth.file = elsewhere;
  open = await connect(env.deps);
  const r2 = await open.client.callTool({ name: 'read_file', arguments: { path: elsewhere } });
  expect(r2.isError).toBe(true);
  expect(JSON.stringify(r2)).not.toContain(MARKER);
});
