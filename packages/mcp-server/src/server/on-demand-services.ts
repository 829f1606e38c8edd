import type { IncidentEngine } from '@ldm/core';
import type { IncidentPort, PolicyPort } from './deps';

type Engines = typeof import('./tool-chunk');

let engines: Promise<Engines> | undefined;
const loadEngines = (): Promise<Engines> => (engines ??= import('./tool-chunk'));

/** The core policy engine behind PolicyPort, loaded with the first decision. */
export function onDemandPolicy(redactSecrets: (text: string) => string): PolicyPort {
  return {
    decideCommand: async (input, policy, ctx) => (await loadEngines()).decideCommand(input, policy, ctx),
    decidePath: async (path, op, policy, ctx) => (await loadEngines()).decidePath(path, op, policy, ctx),
    // Only the path: relative paths are refused, since the server's working directory means nothing to the model.
    resolvePathForPolicy: async (path) => (await loadEngines()).resolvePathForPolicy(path),
    redactSecrets,
  };
}

/** An IncidentEngine built on the first incident call. */
export function onDemandIncidents(build: (engine: typeof IncidentEngine) => IncidentEngine): IncidentPort {
  let engine: Promise<IncidentEngine> | undefined;
  const get = () => (engine ??= loadEngines().then((m) => build(m.IncidentEngine)));
  return {
    record: async (input) => (await get()).record(input),
    resolve: async (input) => (await get()).resolve(input),
    findKnownFixes: async (text, subject, limit) => (await get()).findKnownFixes(text, subject, limit),
  };
}
