// The probes of the owner's checks (healthcheck.custom) behind one dynamic import: a host without
// any loads none of them (bench/custom-checks.mjs).
export { customCheck, customChecksOf } from '@ldm/core';
