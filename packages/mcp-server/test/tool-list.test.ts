import { describe, test, expect, afterAll } from '@jest/globals';
import { makeDeps } from './support/make-deps';
import { connect, type Connected } from './support/connect';
import { ALL_TOOLS, toolsForMode } from '../src/tools/all-tools';

let open: Connected | null = null;
afterAll(async () => open?.close());

describe('the tool list', () => {
  test('matches the snapshot: names, annotations, input and output JSON schemas as clients see them', async () => {
    open = await connect(makeDeps().deps);
    const { tools } = await open.client.listTools();
    // A change here changes what every client and model sees: update the snapshot on purpose (jest -u).
    expect(tools).toMatchSnapshot();
  });

  test('every tool sets all four annotations, and read-only tools are neither destructive nor open-world writers', () => {
    for (const t of ALL_TOOLS) {
      for (const key of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        expect({ tool: t.name, key, type: typeof t.annotations[key] }).toEqual({ tool: t.name, key, type: 'boolean' });
      }
      if (t.annotations.readOnlyHint) expect({ tool: t.name, destructive: t.annotations.destructiveHint }).toEqual({ tool: t.name, destructive: false });
    }
  });

  test('names are unique and the fixed names exist', () => {
    const names = ALL_TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const required of [
      'run_command', 'job_status', 'job_output', 'job_kill', 'list_jobs', 'read_file', 'write_file', 'list_directory',
      'system_status', 'list_processes', 'network_listeners', 'service_status', 'service_action', 'list_failed_units',
      'journal_query', 'record_incident', 'resolve_incident', 'list_incidents', 'find_known_fix', 'list_patterns', 'get_context',
    ]) expect(names).toContain(required);
  });

  test('read-only mode is derived from readOnlyHint alone', () => {
    const ro = toolsForMode('read-only').map((t) => t.name);
    expect(ro).toEqual(ALL_TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name));
    for (const name of ['run_command', 'write_file', 'service_action', 'job_kill', 'record_incident', 'resolve_incident']) expect(ro).not.toContain(name);
    expect(toolsForMode('standard')).toEqual(ALL_TOOLS);
  });
});
