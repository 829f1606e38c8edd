import type { IncidentEngine, SandboxChoice } from '@ldm/core';
import type { IncidentPort, PolicyPort } from './deps';

type Engines = typeof import('./tool-chunk');

let engines: Promise<Engines> | undefined;
const loadEngines = (): Promise<Engines> => (engines ??= import('./tool-chunk'));

/** The core policy engine behind PolicyPort, loaded with the first decision. */
export function onDemandPolicy(redactSecrets: (text: string) => string): PolicyPort {
  return {
    decideCommand: async (input, policy, ctx) => (await loadEngines()).decideCommand(input, policy, ctx),
    decideHostCommand: async (input, policy, ctx) => (await loadEngines()).decideHostCommand(input, policy, ctx),
    decidePath: async (path, op, policy, ctx) => (await loadEngines()).decidePath(path, op, policy, ctx),
    // Only the path: relative paths are refused, since the server's working directory means nothing to the model.
    resolvePathForPolicy: async (path) => (await loadEngines()).resolvePathForPolicy(path),
    redactSecrets,
  };
}

/**
 * The sandbox for the model's commands, chosen and planned with the first command (not at start:
 * probing bubblewrap costs a process start). A failure to choose is kept as the answer.
 */
export function onDemandSandbox(open: (m: Engines) => Promise<SandboxChoice>): () => Promise<SandboxChoice> {
  let choice: Promise<SandboxChoice> | undefined;
  return () => (choice ??= loadEngines().then(open).catch((err: Error) => ({ unavailable: `couldn't set up the command sandbox: ${err.message}` })));
}

/** An IncidentEngine built on the first incident call. */
export function onDemandIncidents(build: (engine: typeof IncidentEngine, m: Engines) => IncidentEngine): IncidentPort {
  let engine: Promise<IncidentEngine> | undefined;
  const get = () => (engine ??= loadEngines().then((m) => build(m.IncidentEngine, m)));
  return {
    record: async (input) => (await get()).record(input),
    resolve: async (input) => (await get()).resolve(input),
    findKnownFixes: async (text, subject, limit) => (await get()).findKnownFixes(text, subject, limit),
  };
}
