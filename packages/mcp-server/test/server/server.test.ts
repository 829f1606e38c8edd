import { describe, test, expect, afterEach, jest } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDeps } from '../support/make-deps';
import { connect, type Connected } from '../support/connect';
import { ALL_TOOLS } from '../../src/tools/all-tools';
import { GITHUB_TOKEN, leakedFragments, linesWithSecrets, plainText, secretOffsets } from '../../../core/test/redact/secret-fixture';

let open: Connected | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

type Result = { isError?: boolean; structuredContent?: Record<string, unknown>; content: Array<{ type: string; text?: string }> };

async function call(c: Connected, name: string, args: Record<string, unknown> = {}): Promise<Result> {
  const result = (await c.client.callTool({ name, arguments: args })) as Result;
  if (!result.isError) {
    // structuredContent conforms to the tool's own output schema; the text is a summary, not the JSON again.
    const def = ALL_TOOLS.find((t) => t.name === name)!;
    def.outputSchema.parse(result.structuredContent);
    expect(() => JSON.parse(result.content[0]!.text!)).toThrow();
  }
  return result;
}

describe('in-process server', () => {
  test('lists every tool with annotations', async () => {
    const env = makeDeps();
    open = await connect(env.deps);
    const { tools } = await open.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
    for (const t of tools) {
      expect(typeof t.annotations?.readOnlyHint).toBe('boolean');
      expect(typeof t.annotations?.destructiveHint).toBe('boolean');
      expect(typeof t.annotations?.idempotentHint).toBe('boolean');
      expect(typeof t.annotations?.openWorldHint).toBe('boolean');
    }
  });

  test('run_command returns exit code, output and the decision; denied commands do not run', async () => {
    const env = makeDeps();
    open = await connect(env.deps);
    const ok = await call(open, 'run_command', { command: 'echo hello; echo oops >&2; exit 3' });
    expect(ok.isError).toBeFalsy();
    expect(ok.structuredContent).toMatchObject({ exit_code: 3, stdout: 'hello\n', stderr: 'oops\n', timed_out: false, decision: { action: 'allow' } });
    const marker = join(env.dir, 'marker');
    const denied = await call(open, 'run_command', { command: `touch ${marker}; rm -rf /tmp/nothing` });
    expect(denied.isError).toBe(true);
    expect(denied.content[0]!.text).toMatch(/fake:deny:rm/);
    expect(existsSync(marker)).toBe(false);
  });

  test('audit log gets one redacted line per call', async () => {
    const env = makeDeps();
    open = await connect(env.deps);
    await call(open, 'run_command', { command: 'echo password=hunter2' });
    await new Promise((r) => setTimeout(r, 100));
    const lines = readFileSync(join(env.deps.paths.logDir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ tool: 'run_command', decision: 'allow', exitCode: 0, isError: false });
    expect(JSON.stringify(lines[0])).not.toContain('hunter2');
  });

  test('calls the SDK rejects before any handler (unknown tool, bad arguments) are audited too', async () => {
    const env = makeDeps();
    open = await connect(env.deps);
    await open.client.callTool({ name: 'no_such_tool', arguments: { token: 'ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } });
    await open.client.callTool({ name: 'list_incidents', arguments: { limit: 'many' } });
    await new Promise((r) => setTimeout(r, 100));
    const lines = readFileSync(join(env.deps.paths.logDir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.tool, l.decision, l.isError])).toEqual([
      ['no_such_tool', 'rejected', true],
      ['list_incidents', 'rejected', true],
    ]);
    expect(JSON.stringify(lines)).not.toContain('ghp_');
  });

  test('the policy sees the suite context: config file, suite units, protected directories', async () => {
    const env = makeDeps();
    open = await connect(env.deps);
    await call(open, 'run_command', { command: 'true' });
    const ctx = (env.policyCalls[0] as { ctx: { configFile: string; suiteUnits: string[]; protectedPaths: string[] } }).ctx;
    expect(ctx.configFile).toBe(env.deps.paths.configFile);
    expect(ctx.suiteUnits).toEqual(expect.arrayContaining(['ldm-healthcheck.service', 'ldm-mcp-http.socket', 'ldm-boot-check.service']));
    expect(ctx.protectedPaths).toEqual(
      expect.arrayContaining([env.deps.paths.stateDir, env.deps.paths.logDir, env.deps.installPrefix, join(env.dir, 'etc')]),
    );
  });

  test('a policy that throws denies: nothing runs', async () => {
    const env = makeDeps();
    env.deps.policy = { ...env.deps.policy, decideCommand: () => { throw new Error('parser exploded'); } };
    open = await connect(env.deps);
    const marker = join(env.dir, 'm');
    const r = await call(open, 'run_command', { command: `touch ${marker}` });
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toContain('parser exploded');
    expect(existsSync(marker)).toBe(false);
  });

  test('host: true needs approval: accepted with elicitation runs; declined does not; no elicitation gets a refusal naming the config', async () => {
    const env = makeDeps();
    const marker = join(env.dir, 'confirmed');
    open = await connect(env.deps, { elicit: () => ({ action: 'accept', content: { approve: true } }) });
    const yes = await call(open, 'run_command', { command: `touch ${marker}`, host: true });
    expect(yes.isError).toBeFalsy();
    expect(existsSync(marker)).toBe(true);
    expect(open.elicitations).toHaveLength(1);
    expect(JSON.stringify(open.elicitations[0])).toContain(marker);
    expect(yes.structuredContent!.sandbox).toBeNull();
    await open.close();

    const marker2 = join(env.dir, 'declined');
    open = await connect(env.deps, { elicit: () => ({ action: 'decline' }) });
    const no = await call(open, 'run_command', { command: `touch ${marker2}`, host: true });
    expect(no.isError).toBe(true);
    expect(existsSync(marker2)).toBe(false);
    await open.close();

    open = await connect(env.deps, { elicit: () => ({ action: 'accept', content: { approve: false } }) });
    const unticked = await call(open, 'run_command', { command: `touch ${marker2}`, host: true });
    expect(unticked.isError).toBe(true);
    expect(existsSync(marker2)).toBe(false);
    await open.close();

    open = await connect(env.deps);
    const refused = await call(open, 'run_command', { command: `touch ${marker2}`, host: true });
    expect(refused.isError).toBe(true);
    expect(refused.content[0]!.text).toContain(env.deps.paths.configFile);
    expect(existsSync(marker2)).toBe(false);
  });

  test('sandboxed: what the parser reads as a host change runs without asking, with a note pointing to the typed tools and host: true', async () => {
    const env = makeDeps();
    open = await connect(env.deps, { elicit: () => ({ action: 'accept', content: { approve: true } }) });
    const r = await call(open, 'run_command', { command: 'echo ran # confirm-me' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ exit_code: 0, stdout: 'ran\n' });
    expect(open.elicitations).toHaveLength(0);
    expect(r.content.map((c) => c.text).join('\n')).toMatch(/host: true/);
  });

  test('no sandbox on the host: commands are refused with what to install, unless the mode is unrestricted', async () => {
    const marker = (dir: string) => join(dir, 'ran');
    const unavailable = async () => ({ unavailable: 'no sandbox here: install bubblewrap' });
    const std = makeDeps({ sandbox: unavailable });
    open = await connect(std.deps);
    const r = await call(open, 'run_command', { command: `touch ${marker(std.dir)}` });
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toContain('install bubblewrap');
    expect(existsSync(marker(std.dir))).toBe(false);
    await open.close();
    const un = makeDeps({ sandbox: unavailable, config: { policy: { mode: 'unrestricted' } } });
    open = await connect(un.deps);
    const ok = await call(open, 'run_command', { command: `touch ${marker(un.dir)}` });
    expect(ok.isError).toBeFalsy();
    expect(ok.structuredContent!.sandbox).toBeNull();
    expect(existsSync(marker(un.dir))).toBe(true);
  });

  test('read-only mode lists the read-only tools and run_command (contained), marked read-only; host: true is refused', async () => {
    const env = makeDeps({ config: { policy: { mode: 'read-only' } } });
    open = await connect(env.deps, { elicit: () => ({ action: 'accept', content: { approve: true } }) });
    const { tools } = await open.client.listTools();
    expect(tools.length).toBeGreaterThan(5);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    expect(tools.map((t) => t.name)).toContain('run_command');
    expect(tools.map((t) => t.name)).not.toContain('write_file');
    const marker = join(env.dir, 'host');
    const host = (await open.client.callTool({ name: 'run_command', arguments: { command: `touch ${marker}`, host: true } })) as Result;
    expect(host.isError).toBe(true);
    expect(existsSync(marker)).toBe(false);
    expect(open.elicitations).toHaveLength(0);
    const w = (await open.client.callTool({ name: 'write_file', arguments: { path: marker, content: 'x' } })) as Result;
    expect(w.isError).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  test('system_status, list_processes and network_listeners read /proc', async () => {
    const env = makeDeps();
    open = await connect(env.deps);
    const s = await call(open, 'system_status', {});
    expect((s.structuredContent!.memory as { total_bytes: number }).total_bytes).toBeGreaterThan(0);
    expect((s.structuredContent!.top_cpu as unknown[]).length).toBeGreaterThan(0);
    const p = await call(open, 'list_processes', { sort: 'memory', limit: 3 });
    expect((p.structuredContent!.processes as unknown[]).length).toBe(3);
    await call(open, 'network_listeners', {});
  });

  test('files: write is atomic with a backup, read and list; protected and forbidden paths are refused', async () => {
    const env = makeDeps();
    open = await connect(env.deps);
    const file = join(env.dir, 'f.txt');
    writeFileSync(file, 'old\n', { mode: 0o640 });
    const w = await call(open, 'write_file', { path: file, content: 'new\n' });
    expect(w.structuredContent).toMatchObject({ created: false, backup: `${file}.bak`, mode: '0640' });
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe('old\n');
    await call(open, 'write_file', { path: file, content: 'more\n', mode: 'append', backup: false });
    const r = await call(open, 'read_file', { path: file });
    expect(r.structuredContent).toMatchObject({ content: 'new\nmore\n', truncated: false, binary: false });
    const t = await call(open, 'read_file', { path: file, tail_lines: 1 });
    expect(t.structuredContent!.content).toBe('more\n');
    const l = await call(open, 'list_directory', { path: env.dir });
    expect((l.structuredContent!.entries as Array<{ name: string }>).map((e) => e.name)).toContain('f.txt');
    const prot = await call(open, 'write_file', { path: join(env.deps.paths.stateDir, 'state.json'), content: '{}' });
    expect(prot.isError).toBe(true);
    const forb = await call(open, 'read_file', { path: join(env.dir, 'forbidden.txt') });
    expect(forb.isError).toBe(true);
  });

  test('read_file and list_directory refuse a path whose parent became a symlink after the policy decision', async () => {
    // The fake policy approves paths as given, like a decision taken just before the swap.
    const env = makeDeps();
    open = await connect(env.deps);
    mkdirSync(join(env.dir, 'app', 'conf'), { recursive: true });
    writeFileSync(join(env.dir, 'app', 'conf', 'settings'), 'harmless');
    mkdirSync(join(env.dir, 'private', 'conf'), { recursive: true });
    writeFileSync(join(env.dir, 'private', 'conf', 'settings'), 'SECRET-CONTENT');
    renameSync(join(env.dir, 'app'), join(env.dir, 'app.orig'));
    symlinkSync(join(env.dir, 'private'), join(env.dir, 'app'));
    const read = await call(open, 'read_file', { path: join(env.dir, 'app', 'conf', 'settings') });
    expect(read.isError).toBe(true);
    expect(read.content[0]!.text).toContain(`now leads to ${join(env.dir, 'private', 'conf')}`);
    expect(JSON.stringify(read)).not.toContain('SECRET-CONTENT');
    const list = await call(open, 'list_directory', { path: join(env.dir, 'app', 'conf') });
    expect(list.isError).toBe(true);
    expect(list.content[0]!.text).toMatch(/changed after the policy decision/);
    expect(JSON.stringify(list)).not.toContain('settings');
  });

  test('service and journal tools use argv and validated names; output is redacted and carries ops context', async () => {
    const env = makeDeps();
    open = await connect(env.deps);
    const bad = await call(open, 'service_status', { unit: 'nginx; rm -rf /' });
    expect(bad.isError).toBe(true);
    const st = await call(open, 'service_status', { unit: 'nginx' });
    expect(st.structuredContent).toMatchObject({ unit: 'nginx.service', active_state: 'failed', restarts: 3 });
    const j = await call(open, 'journal_query', { unit: 'nginx', since: '-1h', grep: '-x', lines: 10 });
    expect(JSON.stringify(j.structuredContent)).not.toContain('hunter2');
    const calls = readFileSync(join(env.dir, 'journalctl.calls'), 'utf8');
    expect(calls).toContain('--grep=-x');
    expect(calls).toContain('--unit=nginx.service');
    const badSince = await call(open, 'journal_query', { since: '$(reboot)' });
    expect(badSince.isError).toBe(true);
    const stop = await call(open, 'service_action', { unit: 'ldm-healthcheck.timer', action: 'restart' });
    expect(stop.isError).toBe(true);
    const f = await call(open, 'list_failed_units', {});
    expect(f.structuredContent!.units).toEqual([{ unit: 'nginx.service', load: 'loaded', active: 'failed', sub: 'failed', description: 'A high performance web server' }]);
  });

  test('incidents: record, resolve, then the same problem comes with its known fix in results', async () => {
    const env = makeDeps();
    open = await connect(env.deps);
    const summary = 'nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)';
    const rec = await call(open, 'record_incident', { summary, subject: 'nginx.service', severity: 'crit' });
    const id = (rec.structuredContent!.incident as { id: string }).id;
    expect(rec.structuredContent!.known_fix).toBeNull();
    await call(open, 'resolve_incident', { id, resolution: 'stopped apache holding port 80', commands: ['systemctl stop apache2', 'systemctl restart nginx'], worked: true });
    const again = await call(open, 'record_incident', { summary: summary.replace('0.0.0.0:80', '10.0.0.1:80'), subject: 'nginx.service', severity: 'crit' });
    expect(again.structuredContent!.known_fix).toMatchObject({ fix: 'systemctl stop apache2 && systemctl restart nginx', worked: 1 });
    const found = await call(open, 'find_known_fix', { text: summary });
    expect((found.structuredContent!.fixes as unknown[]).length).toBe(1);
    const st = await call(open, 'service_status', { unit: 'nginx' });
    expect(st.content.map((c) => c.text).join('\n')).toMatch(/known pattern pat-\w+ matches/);
    const list = await call(open, 'list_incidents', { status: 'all' });
    expect(list.structuredContent!.total).toBe(2);
    const pats = await call(open, 'list_patterns', {});
    expect(pats.structuredContent!.total).toBe(1);
    const missing = await call(open, 'resolve_incident', { id: 'inc-nope', resolution: 'x', worked: true });
    expect(missing.isError).toBe(true);
  });

  test('instructions carry the briefing; get_context returns it fresh; resources and prompts answer', async () => {
    const env = makeDeps();
    await env.deps.store.update('state', (doc) => {
      doc.alerts.push({ id: 'disk-root', source: 'healthcheck', severity: 'crit', message: '/ is 97% full', since: new Date().toISOString() });
      doc.alerts.push({ id: 'db', source: 'healthcheck', severity: 'warn', message: 'db down: password=s3cr3tpw', since: new Date().toISOString() });
      doc.hostFacts = { bootId: 'b', gatheredAt: new Date().toISOString(), os: 'Ubuntu 24.04', kernel: '6.8.0', arch: 'arm64', cpuModel: 'ARM Neoverse-N1', cpuCores: 4, memTotalBytes: 24 * 2 ** 30, virtualization: 'KVM', cloud: 'Oracle Cloud' };
    });
    open = await connect(env.deps);
    const instructions = open.client.getInstructions()!;
    expect(Buffer.byteLength(instructions)).toBeLessThanOrEqual(2048);
    expect(instructions).toContain('/ is 97% full');
    expect(instructions.split('\n')[0]).toContain('Oracle Cloud VM (KVM), 4 × ARM Neoverse-N1, 24.0 GiB RAM');
    expect(instructions).not.toContain('s3cr3tpw');
    const ctx = await call(open, 'get_context', {});
    expect(ctx.structuredContent!.briefing).toContain('/ is 97% full');
    const res = await open.client.listResources();
    expect(res.resources.map((r) => r.uri).sort()).toEqual(['ldm://incidents', 'ldm://logs/error', 'ldm://patterns', 'ldm://state']);
    const state = await open.client.readResource({ uri: 'ldm://state' });
    expect(JSON.parse((state.contents[0] as { text: string }).text).alerts).toHaveLength(2);
    expect(JSON.parse((state.contents[0] as { text: string }).text)).not.toHaveProperty('digests');
    expect((state.contents[0] as { text: string }).text).not.toContain('s3cr3tpw');
    const prompts = await open.client.listPrompts();
    expect(prompts.prompts.map((p) => p.name).sort()).toEqual(['postmortem', 'triage']);
    const pm = await open.client.getPrompt({ name: 'postmortem', arguments: { incident_id: 'inc-x' } });
    expect(JSON.stringify(pm.messages)).toContain('inc-x');
  });

  test('the briefing is the same from the digests in state.json as from the whole files', async () => {
    const env = makeDeps();
    const store = env.deps.store;
    for (let n = 0; n < 40; n++) {
      await store.appendIncident({ source: 'healthcheck', severity: n % 7 ? 'warn' : 'crit', summary: `unit${n % 9}.service failed (run ${n})`, subject: `unit${n % 9}.service` });
    }
    await store.update('incidents', (doc) => {
      for (const i of doc.incidents.slice(0, 25)) i.status = 'resolved';
    });
    await store.update('patterns', (doc) => {
      for (let n = 0; n < 30; n++) {
        doc.patterns.push({
          id: `pat-${n}`, fingerprint: `f${n}`, template: `unit${n}.service failed <*>`, subjects: [], sources: ['healthcheck'], count: 1 + (n % 6),
          firstSeen: new Date().toISOString(), lastSeen: new Date(Date.now() - n * 3_600_000).toISOString(), sinceBootSec: [], checks: [],
          resolutions: n % 2 ? [{ action: `systemctl restart unit${n}.service`, commands: [], successes: n % 5, failures: 1, recent: [] }] : [],
        });
      }
    });
    const read = jest.spyOn(store, 'read');
    open = await connect(env.deps);
    const fromDigests = open.client.getInstructions()!;
    expect(read.mock.calls).toEqual([]);
    expect(fromDigests).toContain('Open incidents (15):');
    await open.close();
    // An older release rewrote state.json without the digests: the whole files are read.
    const state = JSON.parse(readFileSync(join(env.deps.paths.stateDir, 'state.json'), 'utf8'));
    writeFileSync(join(env.deps.paths.stateDir, 'state.json'), JSON.stringify({ ...state, digests: undefined }));
    read.mockClear();
    open = await connect(env.deps);
    expect(read.mock.calls.map(([name]) => name).sort()).toEqual(['incidents', 'patterns']);
    expect(open.client.getInstructions()).toBe(fromDigests);
  });

  test('background jobs: on_timeout background keeps the command running and job_output reads it', async () => {
    const env = makeDeps();
    open = await connect(env.deps);
    const r = await call(open, 'run_command', { command: 'echo start; sleep 0.6; echo end', timeout_s: 0.2, on_timeout: 'background' });
    expect(r.structuredContent).toMatchObject({ timed_out: true, job_id: 'job-1' });
    await new Promise((res) => setTimeout(res, 900));
    const out = await call(open, 'job_output', { id: 'job-1' });
    expect(out.structuredContent).toMatchObject({ state: 'exited', stdout: 'start\nend\n' });
    const again = await call(open, 'job_output', { id: 'job-1', offset: (out.structuredContent!.next as { stdout: number }).stdout });
    expect(again.structuredContent!.stdout).toBe('');
    const bg = await call(open, 'run_command', { command: 'sleep 30', background: true });
    const id = bg.structuredContent!.job_id as string;
    await call(open, 'job_kill', { id });
    await new Promise((res) => setTimeout(res, 300));
    expect((await call(open, 'job_status', { id })).structuredContent!.state).toBe('killed');
    expect(((await call(open, 'list_jobs', {})).structuredContent!.jobs as unknown[]).length).toBe(2);
  });

  test("a command adopted as a job on timeout keeps mcp.jobBufferBytes of output, not run_command's outputMaxBytes", async () => {
    const env = makeDeps({ config: { mcp: { outputMaxBytes: 1024, jobBufferBytes: 65_536 } } });
    open = await connect(env.deps);
    const r = await call(open, 'run_command', { command: 'printf start; sleep 0.5; yes x | head -c 3000', timeout_s: 0.2, on_timeout: 'background' });
    const id = r.structuredContent!.job_id as string;
    while ((await call(open, 'job_status', { id })).structuredContent!.state === 'running') await new Promise((res) => setTimeout(res, 100));
    let stdout = '';
    let out: Result;
    do {
      out = await call(open, 'job_output', { id, offset: stdout.length });
      expect(out.structuredContent!.skipped).toEqual({ stdout: 0, stderr: 0 });
      stdout += out.structuredContent!.stdout as string;
    } while (out.structuredContent!.stdout !== '');
    expect(stdout).toBe('start' + 'x\n'.repeat(1500));
  });

  test('a handler that throws becomes an isError result with its cause, and the server keeps serving', async () => {
    const env = makeDeps();
    open = await connect(env.deps);
    env.deps.engine.findKnownFixes = async () => {
      throw new Error("couldn't read patterns.json", { cause: new Error('disk on fire') });
    };
    const r = await call(open, 'find_known_fix', { text: 'x' });
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toContain('disk on fire');
    const wrongType = (await open.client.callTool({ name: 'list_incidents', arguments: { limit: 'many' } })) as Result;
    expect(wrongType.isError).toBe(true);
    await expect(open.client.callTool({ name: 'no_such_tool', arguments: {} })).resolves.toMatchObject({ isError: true });
    await expect(open.client.ping()).resolves.toEqual({});
  });
});

/** Exactly `bytes` bytes of secret-free lines, the last one ending with a line break. */
function fillerLines(bytes: number): string {
  let text = '';
  for (let n = 1; text.length < bytes; n++) text += `filler line ${n} of the log\n`;
  return `${text.slice(0, bytes - 1)}\n`;
}

describe('tool output is never cut inside a secret', () => {
  const maxBytes = 1024;
  // The token straddles byte 1024, where a page or read capped at 1024 bytes used to be cut.
  const lead = 'cloning with ';
  const text = `${fillerLines(maxBytes - 10 - lead.length)}${lead}${GITHUB_TOKEN} from the mirror\n${linesWithSecrets()}${fillerLines(1500)}`;

  async function serverWith(file: string, content: string) {
    const env = makeDeps({ config: { mcp: { outputMaxBytes: maxBytes, readFileMaxBytes: maxBytes } } });
    const path = join(env.dir, file);
    writeFileSync(path, content);
    open = await connect(env.deps);
    return path;
  }

  async function finishedJobCatting(c: Connected, path: string): Promise<string> {
    const bg = await call(c, 'run_command', { command: `cat ${path}; cat ${path} >&2`, background: true });
    const id = bg.structuredContent!.job_id as string;
    while ((await call(c, 'job_status', { id })).structuredContent!.state === 'running') await new Promise((res) => setTimeout(res, 20));
    return id;
  }

  test('job_output: paging with next, and offsets the model chooses inside a secret, show no piece of it', async () => {
    const path = await serverWith('out.log', text);
    const id = await finishedJobCatting(open!, path);
    let next = { stdout: 0, stderr: 0 };
    for (let page = 0; page < 10; page++) {
      const r = await call(open!, 'job_output', { id, offset: next.stdout, stderr_offset: next.stderr });
      expect(leakedFragments(JSON.stringify(r))).toEqual([]);
      next = r.structuredContent!.next as typeof next;
    }
    expect(next).toEqual({ stdout: Buffer.byteLength(text), stderr: Buffer.byteLength(text) });
    for (const at of secretOffsets(text)) {
      for (let offset = at - 2; offset < at + 42; offset++) {
        const r = await call(open!, 'job_output', { id, offset, stderr_offset: offset });
        expect({ offset, leaks: leakedFragments(JSON.stringify(r)) }).toEqual({ offset, leaks: [] });
      }
    }
  });

  test('job_output: paging with next returns every byte of a secret-free output exactly once', async () => {
    const plain = plainText();
    const path = await serverWith('plain.log', plain);
    const id = await finishedJobCatting(open!, path);
    let stdout = '';
    let stderr = '';
    let next = { stdout: 0, stderr: 0 };
    for (;;) {
      const r = await call(open!, 'job_output', { id, offset: next.stdout, stderr_offset: next.stderr });
      expect(r.structuredContent!.skipped).toEqual({ stdout: 0, stderr: 0 });
      const moved = r.structuredContent!.next as typeof next;
      if (moved.stdout === next.stdout && moved.stderr === next.stderr) break;
      stdout += r.structuredContent!.stdout as string;
      stderr += r.structuredContent!.stderr as string;
      next = moved;
    }
    expect(stdout === plain && stderr === plain).toBe(true);
  });

  test('read_file: windows the model places inside a secret, and paging with next_offset, show no piece of it', async () => {
    const path = await serverWith('app.conf', text);
    for (const at of secretOffsets(text)) {
      for (let offset = at - 2; offset < at + 42; offset++) {
        for (const length of [1, 6, 12, 40]) {
          const r = await call(open!, 'read_file', { path, offset, length });
          expect({ offset, length, leaks: leakedFragments(JSON.stringify(r)) }).toEqual({ offset, length, leaks: [] });
        }
      }
    }
    for (let offset: number | null = 0; offset !== null; ) {
      const r = await call(open!, 'read_file', { path, offset });
      expect(leakedFragments(JSON.stringify(r))).toEqual([]);
      offset = r.structuredContent!.next_offset as number | null;
    }
  });

  test('read_file: an offset inside a line begins at the next line and says so', async () => {
    const path = await serverWith('app.conf', 'one\ntwo\nthree\n');
    const r = await call(open!, 'read_file', { path, offset: 5, length: 100 });
    expect(r.structuredContent).toMatchObject({ offset: 8, content: 'three\n', next_offset: null });
    expect(r.content.map((c) => c.text).join('\n')).toContain('Offset 5 is inside a line; the content begins at offset 8');
  });

  test.each([10, 100, 1000])('read_file: paging with length %i and next_offset returns every byte of a secret-free file exactly once', async (length) => {
    const plain = plainText();
    const path = await serverWith('plain.txt', plain);
    const pieces: string[] = [];
    for (let offset: number | null = 0; offset !== null; ) {
      const r = await call(open!, 'read_file', { path, offset, length });
      expect(r.structuredContent!.offset).toBe(offset);
      pieces.push(r.structuredContent!.content as string);
      offset = r.structuredContent!.next_offset as number | null;
    }
    expect(pieces.join('') === plain).toBe(true);
  });

  test('read_file tail_lines: a read capped inside a secret leaves out the partial line it began in', async () => {
    const tailed = `${lead}${GITHUB_TOKEN} from the mirror\n${fillerLines(maxBytes - 20)}`;
    const path = await serverWith('tail.log', tailed);
    const r = await call(open!, 'read_file', { path, tail_lines: 1000 });
    const content = r.structuredContent!.content as string;
    expect(leakedFragments(JSON.stringify(r))).toEqual([]);
    expect(tailed.endsWith(content) && tailed[tailed.length - content.length - 1]).toBe('\n');
  });
});
