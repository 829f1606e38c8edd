// The policy engine behind one dynamic import: most healthcheck runs have no fix to decide on,
// and the engine doubles the size of what a run loads (98 KB of bundle without it, 193 KB with).
export { gateFix } from '@ldm/core';
