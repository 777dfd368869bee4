/** @jest-config-loader esbuild-register */
// One jest project per workspace; one throwaway redis-server for the whole run (test-support/).
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from 'jest';

const swc: [string, Record<string, unknown>] = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const workspaces = [
  ...['apps', 'packages'].flatMap((group) =>
    readdirSync(join(__dirname, group))
      .map((name) => join(group, name))
      .filter((dir) => existsSync(join(__dirname, dir, 'package.json'))),
  ),
  'infra',
  'e2e',
];

const config: Config = {
  globalSetup: '<rootDir>/test-support/global-setup.ts',
  globalTeardown: '<rootDir>/test-support/global-teardown.ts',
  projects: workspaces.map((dir) => ({
    displayName: dir,
    rootDir: join(__dirname, dir),
    testEnvironment: 'node',
    // Resolve our workspace packages to their TypeScript source, as tsx does with --conditions.
    testEnvironmentOptions: { customExportConditions: ['@meetlink/source', 'node', 'require', 'default'] },
    transform: { '^.+\\.ts$': swc },
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/*.test.ts'],
  })),
  testTimeout: 30_000,
};

export default config;
