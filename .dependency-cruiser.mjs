// One dependency direction, checked by `npm run lint` (docs/ARCHITECTURE.md, "Layout (target)"):
//
//   apps/*
//     → adapters: zoom, calendar, email, connections
//     → ports (types only), store (booking state), queue (pipeline)
//     → events, errors, config, observability, redis
//
// Imports point down that list only: never up, never sideways into another package of the same
// level, never from one app into another. packages/fakes and packages/sandbox serve tests and
// sandbox mode only, never production source. Across workspaces only a package's face
// (`@meetlink/<name>`, its src/index.ts) is imported. No cycles. Type-only imports count.
//
// packages/config/test/dependency-rules.test.ts checks the tree and that each rule bites.

const ADAPTERS = ['zoom', 'calendar', 'email', 'connections'];
const CORE = ['store', 'queue']; // ports, the third of this level, has rules of its own
const BASE = ['errors', 'config', 'observability', 'redis']; // events, the fifth, has a rule of its own
const TEST_ONLY = ['fakes', 'sandbox'];

const anyOf = (names) => `^packages/(${names.join('|')})/`;
const FACE = '^packages/[^/]+/src/index[.]ts$';
// Production source: apps/*/src and packages/*/src, without fakes, sandbox and *.test.ts.
const production = (path, extraPathNot = []) => ({
  path,
  pathNot: ['[.]test[.]ts$', anyOf(TEST_ONLY), ...extraPathNot],
});
// $1: the importing workspace (apps/x, packages/x) or, for a file of the root, its top folder.
const ANY_WORKSPACE_OR_ROOT = '^((?:apps|packages)/[^/]+|[^/]+)';

// The only sideways edges between adapters: each exactly one file → @meetlink/email.
const ALLOWED_ADAPTER_EDGES = [
  // Reconnect notices are emails (sent through the Mailer port); their HTML is escaped with the
  // one escapeHtml of the tree, which @meetlink/email owns.
  { from: '^packages/(connections)/src/reconnect-notice[.]ts$', to: '^packages/email/src/index[.]ts$' },
  // The calendar join block is HTML as well, escaped with that same escapeHtml.
  { from: '^packages/(calendar)/src/join-block[.]ts$', to: '^packages/email/src/index[.]ts$' },
];

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'apps-not-to-other-apps',
      severity: 'error',
      comment: 'Apps never import each other (tests included); what two apps share lives in a package.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'packages-not-to-apps',
      severity: 'error',
      comment: 'Packages (tests included) never import an app.',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'adapters-not-sideways',
      severity: 'error',
      comment:
        'An adapter (zoom, calendar, email, connections) does not import another one. Allowed, ' +
        'exactly: connections/src/reconnect-notice.ts → @meetlink/email and ' +
        'calendar/src/join-block.ts → @meetlink/email, both for the shared escapeHtml.',
      from: production(
        `^packages/(${ADAPTERS.join('|')})/src/`,
        ALLOWED_ADAPTER_EDGES.map((edge) => edge.from),
      ),
      to: { path: anyOf(ADAPTERS), pathNot: '^packages/$1/' },
    },
    ...ALLOWED_ADAPTER_EDGES.map((edge) => ({
      name: 'adapters-not-sideways',
      severity: 'error',
      comment: 'A file with an allowed edge to @meetlink/email imports no other adapter.',
      from: { path: edge.from },
      to: { path: anyOf(ADAPTERS), pathNot: ['^packages/$1/', edge.to] },
    })),
    {
      name: 'core-not-upward',
      severity: 'error',
      comment: 'store and queue (tests included) never import an adapter.',
      from: { path: anyOf(CORE) },
      to: { path: anyOf(ADAPTERS) },
    },
    {
      name: 'core-not-sideways',
      severity: 'error',
      comment:
        'store and queue do not import each other. Both may use ports: it holds only interfaces ' +
        'and depends on events alone, so it cannot close a loop.',
      from: production(`^packages/(${CORE.join('|')})/src/`),
      to: { path: anyOf(CORE), pathNot: '^packages/$1/' },
    },
    {
      name: 'ports-only-events',
      severity: 'error',
      comment: 'ports depends on @meetlink/events and on nothing else (no other package, no npm, no node:).',
      from: { path: '^packages/ports/' },
      to: { pathNot: '^packages/(ports|events)/' },
    },
    {
      name: 'ports-types-only',
      severity: 'error',
      comment: 'ports is types only: every import and re-export in it is `import type` / `export type`.',
      from: { path: '^packages/ports/' },
      to: { dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'base-not-upward',
      severity: 'error',
      comment:
        'errors, config, observability, redis (tests included) import no adapter, ports, store or queue.',
      from: { path: anyOf(BASE) },
      to: { path: anyOf([...ADAPTERS, 'ports', ...CORE]) },
    },
    {
      name: 'base-not-sideways',
      severity: 'error',
      comment: 'errors, config, observability and redis import neither each other nor events.',
      from: production(`^packages/(${BASE.join('|')})/src/`),
      to: { path: anyOf([...BASE, 'events']), pathNot: '^packages/$1/' },
    },
    {
      name: 'events-depends-on-nothing',
      severity: 'error',
      comment: 'events, the contract, depends on nothing of ours (tests and scripts included).',
      from: { path: '^packages/events/' },
      to: { path: '^(apps|packages)/', pathNot: '^packages/events/' },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      comment:
        'fakes and sandbox are for tests (*.test.ts, test/, e2e, bench, scripts, test-support) and ' +
        'sandbox mode; production source (apps/*/src, packages/*/src) never imports them.',
      from: production('^(apps|packages)/[^/]+/src/'),
      to: { path: anyOf(TEST_ONLY) },
    },
    {
      name: 'no-deep-import',
      severity: 'error',
      comment:
        "Across workspaces import a package's face only (@meetlink/<name>, its src/index.ts): never " +
        'its other files, whether by a relative path or @meetlink/<name>/..., and never an app. Two ' +
        "named exceptions: benchmarks (bench/) measure an app's own code in-process (an app has no face), " +
        'and jest loads test-support/global-setup.ts without the @meetlink/source condition.',
      from: {
        path: ANY_WORKSPACE_OR_ROOT,
        pathNot: ['^bench/', '^test-support/global-setup[.]ts$', '^infra/test/'],
      },
      to: { path: '^(apps|packages)/[^/]+/', pathNot: ['^$1/', FACE] },
    },
    {
      name: 'no-deep-import',
      severity: 'error',
      comment:
        "infra/test checks the deployment files against each app's env schema, so it may import an " +
        "app's src/config.ts (an app has no face); nothing else inside another workspace.",
      from: { path: '^infra/test/' },
      to: { path: '^(apps|packages)/[^/]+/', pathNot: [FACE, '^apps/[^/]+/src/config[.]ts$'] },
    },
    {
      name: 'no-deep-import',
      severity: 'error',
      comment: '@meetlink/<name>/<path>: the exports maps do not resolve it, and it is deep anyway.',
      from: {},
      to: { path: '^@meetlink/[^/]+/.', couldNotResolve: true },
    },
    {
      name: 'no-relative-import-across-workspaces',
      severity: 'error',
      comment: "Another workspace's face is imported as @meetlink/<name>, not by a relative path.",
      from: { path: ANY_WORKSPACE_OR_ROOT },
      to: { path: FACE, pathNot: '^$1/', dependencyTypes: ['local'], dependencyTypesNot: ['aliased'] },
    },
    {
      name: 'meetlink-must-resolve',
      severity: 'error',
      comment: 'Every @meetlink/<name> import resolves to a workspace, or the rules above cannot see it.',
      from: {},
      to: { path: '^@meetlink/[^/]+$', couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '(^|/)(node_modules|dist|coverage|[.]data|[.]turbo|[.]git)/' },
    // Keep type-only imports as edges: the layering holds for types too.
    tsPreCompilationDeps: true,
    // Resolve @meetlink/* through the workspace links to their TypeScript source, as tsx
    // (--conditions=@meetlink/source), tsc (customConditions) and jest do.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@meetlink/source', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['main', 'types'],
    },
  },
};
