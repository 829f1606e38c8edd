// The policy engine and the incident engine: loaded by on-demand-services.ts on first use, so
// that starting the server (and answering initialize and tools/list) loads neither.
export { decideCommand, decidePath, resolvePathForPolicy, IncidentEngine } from '@ldm/core';
