#!/usr/bin/env node
// The package's command: runs the TypeScript CLI through tsx (Node 20 cannot strip types).
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
