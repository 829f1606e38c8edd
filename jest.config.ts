/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }];

const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc as never },
  moduleNameMapper: {
    '^@ldm/core$': '<rootDir>/packages/core/src/index.ts',
    '^@ldm/core/(.*)$': '<rootDir>/packages/core/src/$1',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 60_000,
  globalSetup: '<rootDir>/jest.global-setup.mjs',
};

export default config;
