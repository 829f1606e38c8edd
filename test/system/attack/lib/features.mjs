// features.mjs - which parts of issue #12 this build has, read from the server's own tool list,
// so cases that need a part not yet merged are reported PENDING instead of judged.
export const PACKAGE_TOOL = 'package_action';

export function detectFeatures(tools) {
  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  const props = (name) => Object.keys(byName[name]?.inputSchema?.properties ?? {});
  return {
    sandbox: props('run_command').includes('host'),
    approvals: props('run_command').includes('approval_id') || props('write_file').includes('approval_id'),
    onegate: Boolean(byName[PACKAGE_TOOL]),
  };
}
