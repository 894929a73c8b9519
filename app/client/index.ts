/**
 * The platform's own typed client IS the published package's source (packages/client, built and
 * packed as @notify-platform/client): the CLI, the demo and the tests use the same code, retries
 * included, that other projects install.
 */
export * from '../../packages/client/src/index.ts';
