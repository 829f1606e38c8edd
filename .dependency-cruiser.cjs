// The layer rules of docs/architecture.md, checked by `npm test` (scripts/test.sh).
// Violations that predate the rules are listed in .dependency-cruiser-known-violations.json and
// reported as warnings until they are fixed; anything new fails the run.
const PKG = '^packages/([^/]+)/src/';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'A module cycle (type-only imports included) means two modules are one concern or a layer is crossed.', from: {}, to: { circular: true } },
    {
      name: 'no-reach-into-other-package',
      severity: 'error',
      comment: "A package uses another only through its entry point (@ldm/core), never its internals.",
      from: { path: PKG },
      to: { path: '^packages/([^/]+)/src/', pathNot: ['^packages/$1/src/', '^packages/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'core-depends-on-no-program',
      severity: 'error',
      comment: 'core is the library every program builds on; it imports none of them.',
      from: { path: '^packages/core/' },
      to: { path: '^packages/(mcp-server|healthcheck|idle-watcher|boot-check)/' },
    },
    {
      name: 'programs-are-independent',
      severity: 'error',
      comment: 'The programs coordinate only through the state files, never through each other’s code.',
      from: { path: '^packages/(mcp-server|healthcheck|idle-watcher|boot-check)/' },
      to: { path: '^packages/(mcp-server|healthcheck|idle-watcher|boot-check)/', pathNot: '^packages/$1/' },
    },
    {
      name: 'no-own-barrel',
      severity: 'error',
      comment: "Inside core, import the module, not core's own index: the barrel makes every folder depend on every other.",
      from: { path: '^packages/core/src/.+/' },
      to: { path: '^packages/core/src/index\\.ts$' },
    },
    {
      name: 'core-layers',
      severity: 'error',
      comment: 'A lower layer of core never imports a higher one (docs/architecture.md): base < log, config < exec, probe, sandbox, policy < state < learn < checks < guard, idle < program, cli.',
      from: { path: '^packages/core/src/(text|time|paths|node|redact|systemd|exit-codes\\.ts|version\\.ts)' },
      to: { path: '^packages/core/src/(log|config|state|exec|sandbox|policy|learn|checks|guard|idle|probe|program|cli)/' },
    },
    {
      name: 'state-below-learn-and-checks',
      severity: 'error',
      comment: 'The store knows documents and schemas, not what the programs compute from them.',
      from: { path: '^packages/core/src/state/' },
      to: { path: '^packages/core/src/(learn|checks|guard|idle|program|cli)/' },
    },
    {
      name: 'tests-are-not-imported',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { path: '(^|/)test/' },
    },
    { name: 'no-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
