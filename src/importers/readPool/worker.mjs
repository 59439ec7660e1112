// Worker entry: loads the TypeScript worker through tsx, as bin/lambda-forensics.mjs does.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
