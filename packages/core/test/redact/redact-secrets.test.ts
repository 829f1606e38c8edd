import { describe, test, expect } from '@jest/globals';
import { redactSecrets } from '@ldm/core';

// Test fixtures are assembled at runtime so that secret scanners do not flag this file.
const j = (...parts: string[]) => parts.join('');

describe('redactSecrets removes', () => {
  const cases: [string, string, string][] = [
    ['AWS access key id', j('key AKIA', 'IOSFODNN7EXAMPLE done'), 'key [REDACTED] done'],
    ['GitHub classic token', j('ghp_', 'a'.repeat(36)), '[REDACTED]'],
    ['GitHub fine-grained token', j('github_pat_', '11ABCDEFG0', 'x'.repeat(60)), '[REDACTED]'],
    ['Slack bot token', j('xoxb-', '1234567890-abcdefghijkl'), '[REDACTED]'],
    ['Slack webhook', j('https://hooks.slack.com/services/', 'T000/B000/', 'x'.repeat(24)), '[REDACTED]'],
    ['JWT', j('eyJhbGciOiJIUzI1NiJ9', '.eyJzdWIiOiIxMjM0In0', '.c2lnbmF0dXJlX2hlcmU'), '[REDACTED]'],
    ['Bearer header', 'Authorization: Bearer abcdef.123456-xyz', 'Authorization: Bearer [REDACTED]'],
    ['Basic header in curl', 'curl -H "Authorization: Basic dXNlcjpwYXNz" http://x', 'curl -H "Authorization: Basic [REDACTED]" http://x'],
    ['bare bearer token', 'bearer abcdefgh12345678', 'bearer [REDACTED]'],
    ['OpenAI key', j('sk-proj-', 'A'.repeat(40)), '[REDACTED]'],
    ['Anthropic key', j('sk-ant-api03-', 'b'.repeat(40)), '[REDACTED]'],
    ['password=', 'login password=hunter2 user=bob', 'login password=[REDACTED] user=bob'],
    ['passwd: quoted', 'db_passwd: "x y z"', 'db_passwd: "[REDACTED]"'],
    ['JSON password', '{"password": "s3cr3t", "user": "bob"}', '{"password": "[REDACTED]", "user": "bob"}'],
    ['JSON token', '{"access_token":"abc.def","expires_in":3600}', '{"access_token":"[REDACTED]","expires_in":3600}'],
    ['env var secret', 'export MYSQL_PWD=qwerty', 'export MYSQL_PWD=[REDACTED]'],
    ['api_key param', 'api_key=abcdef123456', 'api_key=[REDACTED]'],
    ['client secret yaml', 'client_secret: abc123xyz', 'client_secret: [REDACTED]'],
    ['URL credentials', 'postgres://admin:Sup3rS3cret@db:5432/app', 'postgres://admin:[REDACTED]@db:5432/app'],
    ['URL query token', 'GET /cb?code=1&access_token=abc123&x=1', 'GET /cb?code=1&access_token=[REDACTED]&x=1'],
    ['presigned URL', 'https://b.s3.amazonaws.com/k?X-Amz-Signature=abc123&X-Amz-Date=1', 'https://b.s3.amazonaws.com/k?X-Amz-Signature=[REDACTED]&X-Amz-Date=1'],
    ['--password flag', 'mysqldump --password secret123 db', 'mysqldump --password [REDACTED] db'],
    ['--token= flag', 'cli --token=abcdef', 'cli --token=[REDACTED]'],
    ['Cookie header', 'Cookie: session=abcdef; other=1', 'Cookie: [REDACTED]'],
    ['a secret inside a JSON string value (audit lines)', '{"command":"echo password=hunter2"}', '{"command":"echo password=[REDACTED]"}'],
    ['double-encoded JSON', JSON.stringify(JSON.stringify({ password: 's3cret', user: 'bob' })), JSON.stringify(JSON.stringify({ password: '[REDACTED]', user: 'bob' }))],
    ['a secret shaped like an errno name but without its colon', 'token: EABCDEF12345', 'token: [REDACTED]'],
    ['after harmless pairs', 'a=b c=d password=x2y', 'a=b c=d password=[REDACTED]'],
    ['shadow line (sha512crypt)', j('root:$6$saltsalt$', 'A'.repeat(86), ':19000:0:99999:7:::'), 'root:[REDACTED]:19000:0:99999:7:::'],
    ['shadow line (yescrypt)', j('bob:$y$j9T$abcdefghijklmnop$', 'B'.repeat(43), ':19000::'), 'bob:[REDACTED]:19000::'],
  ];
  test.each(cases)('%s', (_name, input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });
  test('private key blocks of every kind, also unterminated', () => {
    for (const kind of ['RSA PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'PGP PRIVATE KEY BLOCK']) {
      const block = j('-----BEGIN ', kind, '-----\nMIIEow', 'IBAAKCAQEA\nabc\n-----END ', kind, '-----');
      expect(redactSecrets(`before\n${block}\nafter`)).toBe(`before\n[REDACTED ${kind}]\nafter`);
    }
    expect(redactSecrets(j('x -----BEGIN RSA PRIVATE KEY-----\nMIIEow', 'IBAAKCAQEA'))).toBe('x [REDACTED RSA PRIVATE KEY]');
  });
});

describe('redactSecrets keeps', () => {
  test.each([
    'PasswordAuthentication no',
    'max_tokens: 4096',
    'token_type: bearer',
    'password: null',
    'password_file=/etc/app/pass.txt',
    'Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda1        47G   12G   33G  27% /',
    'nginx.service - A high performance web server',
    'Nov 24 04:00:01 host CRON[123]: (root) CMD (run-parts /etc/cron.hourly)',
    '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq user@host',
    'the password is required',
    'https://example.com/path?page=2',
    // Node's errno names after a file named like a secret: the error must stay readable.
    "couldn't read the token file /etc/linux-devops-mcp/http-token: ENOENT: no such file or directory, open '/etc/linux-devops-mcp/http-token'",
    "couldn't open /run/app.secret: EACCES: permission denied",
  ])('%j', (input) => {
    expect(redactSecrets(input)).toBe(input);
  });
});

describe('redactSecrets properties', () => {
  test('idempotent', () => {
    const input = j('password=hunter2 ghp_', 'a'.repeat(36), ' Authorization: Bearer abcdefgh12345678');
    const once = redactSecrets(input);
    expect(redactSecrets(once)).toBe(once);
    expect(once).not.toMatch(/hunter2|aaaaaaaa|abcdefgh1234/);
  });
  test('finds a secret inside 64 KiB of noise', () => {
    const noise = 'A'.repeat(32 * 1024);
    const out = redactSecrets(`${noise} token=deadbeefcafe ${noise}`);
    expect(out).toContain('token=[REDACTED]');
    expect(out).not.toContain('deadbeefcafe');
  });
  test('empty string', () => {
    expect(redactSecrets('')).toBe('');
  });
});
