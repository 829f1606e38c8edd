import { afterEach, expect, test } from '@jest/globals';
import { makeDeps } from '../support/make-deps';
import { connect, type Connected } from '../support/connect';

let open: Connected | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

type Result = { isError?: boolean; structuredContent?: Record<string, unknown>; content: Array<{ type: string; text?: string }> };
const call = async (c: Connected, name: string, args: Record<string, unknown>): Promise<Result> => (await c.client.callTool({ name, arguments: args })) as Result;

const LINE = 'nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)';

// Issue #15, step 1: the model words its summary its own way; the host logs the same line every time.
test('an incident recorded with a summary of its own is found from the line nginx logs: find_known_fix and run_command output', async () => {
  const env = makeDeps();
  open = await connect(env.deps);
  const rec = await call(open, 'record_incident', {
    summary: 'nginx failed to start: bind() to 0.0.0.0:80 failed (98: …)',
    evidence: [LINE],
    subject: 'nginx.service',
    severity: 'crit',
  });
  const id = (rec.structuredContent!.incident as { id: string }).id;
  await call(open, 'resolve_incident', { id, resolution: 'stopped apache2 holding port 80', commands: ['systemctl stop apache2', 'systemctl restart nginx'], worked: true });

  for (const args of [{ text: LINE }, { text: LINE, subject: 'nginx.service' }]) {
    const found = await call(open, 'find_known_fix', args);
    expect(found.structuredContent!.fixes).toEqual([expect.objectContaining({ fix: 'systemctl stop apache2 && systemctl restart nginx', worked: 1 })]);
  }
  const other = await call(open, 'find_known_fix', { text: LINE, subject: 'haproxy.service' });
  expect(other.structuredContent!.fixes).toEqual([]);

  const run = await call(open, 'run_command', { command: `echo '${LINE}' >&2; echo 'nginx: configuration file /etc/nginx/nginx.conf test failed' >&2; exit 1` });
  expect(run.structuredContent!.ops_context).toMatchObject({ known_fixes: [expect.objectContaining({ fix: 'systemctl stop apache2 && systemctl restart nginx', matched_line: LINE })] });
});
