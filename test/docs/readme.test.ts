import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/db/sql.ts';
import { renderReadme } from '../../src/docs/reference.ts';

describe('README', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  it('opens with the install, demo and test commands', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/^npm install\nnpm run demo.*\nnpm test/m);
  });
  it('documents every table, view and analyzer as generated from the code (npm run docs)', async () => {
    expect(await renderReadme(readme)).toBe(readme);
  });
  it('.ci/run runs npm ci and then exactly the test command shown in the README', () => {
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    const cmds = ci.split('\n').filter((l) => /^npm /.test(l));
    expect(cmds).toEqual(['npm ci', 'npm test']);
  });
});
