#!/usr/bin/env node
// The `notify` CLI. TypeScript runs through tsx's loader, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../infra/cli.ts');
await main(process.argv);
