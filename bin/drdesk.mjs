#!/usr/bin/env node
// The `drdesk` command. Runs the TypeScript engine directly through tsx, so a clone works after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/main/cli/index.ts', import.meta.url).href);
