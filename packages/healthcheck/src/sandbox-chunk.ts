// The sandbox behind one dynamic import, like the policy engine (fix-gate-chunk.ts): only a run
// with an owner's Nagios check needs it.
export { openSandbox } from '@ldm/core';
