#!/usr/bin/env node
// The `notify` CLI. TypeScript runs through tsx's loader, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
// Tracing starts before the CLI's module graph loads: its instrumentations patch express and amqplib on load.
const { bootTelemetry } = await import('../app/tracing.ts');
await bootTelemetry(process.argv.slice(2));
const { main } = await import('../app/cli/index.ts');
await main(process.argv);
