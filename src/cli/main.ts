import yargs from 'yargs';
import { UserError, errorMessage } from '../errors.ts';
import { terminalSafe } from '../output/printer.ts';
import { withGlobal } from './common.ts';
import { installInterruptHandler, isInterrupted } from '../util/interrupt.ts';
import type { Argv } from 'yargs';
import type { AnalyzeArgs } from './analyze.ts';
import type { AuditArgs } from './audit.ts';
import type { BenchArgs } from './bench.ts';
import type { DemoArgs } from './demo.ts';
import type { ImportArgs } from './import.ts';
import type { QueryArgs } from './query.ts';
import type { ReportArgs } from './report.ts';

/**
 * The commands, each with the module that builds its options and runs it. A module is loaded only
 * when its command is named on the command line: loading every command (importers, analyzers, the
 * report, the benchmark) cost 0.12 s at each start.
 */
interface CommandModule {
  builder: (y: Argv) => Argv<unknown>;
  run: (a: unknown) => Promise<number>;
}
const COMMANDS: ReadonlyArray<{ name: string; usage: string; describe: string; load: () => Promise<CommandModule> }> = [
  {
    name: 'import',
    usage: 'import <paths..>',
    describe: 'Load CloudTrail, CloudWatch Logs and other exports into the database (re-importing a file does nothing)',
    load: async () => { const m = await import('./import.ts'); return { builder: m.importBuilder, run: (a) => m.importCommand(a as ImportArgs) }; },
  },
  {
    name: 'query',
    usage: 'query <sql>',
    describe: 'Run read-only SQL against the database; --out exports to .parquet/.csv/.json/.arrow',
    load: async () => { const m = await import('./query.ts'); return { builder: m.queryBuilder, run: (a) => m.queryCommand(a as QueryArgs) }; },
  },
  {
    name: 'analyze',
    usage: 'analyze <analyzer>',
    describe: 'Run an analyzer (or `findings` for all of them, `list` for the catalogue) against the baseline and incident windows',
    load: async () => { const m = await import('./analyze.ts'); return { builder: m.analyzeBuilder, run: (a) => m.analyzeCommand(a as AnalyzeArgs) }; },
  },
  {
    name: 'audit',
    usage: 'audit',
    describe: 'Audit from the configuration dumps who can change or invoke each function and what each function may do',
    load: async () => { const m = await import('./audit.ts'); return { builder: m.auditBuilder, run: (a) => m.auditCommand(a as AuditArgs) }; },
  },
  {
    name: 'report',
    usage: 'report',
    describe: 'Write the self-contained HTML incident report (summary, findings, one section per affected function)',
    load: async () => { const m = await import('./report.ts'); return { builder: m.reportBuilder, run: (a) => m.reportCommand(a as ReportArgs) }; },
  },
  {
    name: 'bench',
    usage: 'bench',
    describe: 'Benchmark: generate large synthetic exports and time import, analyze and report against DuckDB, gunzip and jq',
    load: async () => { const m = await import('./bench.ts'); return { builder: m.benchBuilder, run: (a) => m.benchCommand(a as BenchArgs) }; },
  },
  {
    name: 'demo',
    usage: 'demo',
    describe: 'Import sample-data/ into a fresh database, analyze it and write the report (out/)',
    load: async () => { const m = await import('./demo.ts'); return { builder: m.demoBuilder, run: (a) => m.demoCommand(a as DemoArgs) }; },
  },
];

const EPILOG = `Exit codes: 0 ok, 1 findings/issues with --strict or a failed file, 2 usage or input error, 3 database locked or unusable, 130 interrupted (Ctrl-C).
Every command reads --db (default ./forensics.duckdb). Data goes to stdout, messages to stderr.`;

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  installInterruptHandler();
  let code = 0;
  let running: string | undefined;
  // The modules of the commands named anywhere in argv (a path that happens to be a command's name
  // only loads one module more). yargs runs a command only when its name is in argv, so a command
  // whose module is not loaded is never run; its entry still lists it in --help.
  const loaded = new Map<string, CommandModule>();
  await Promise.all(COMMANDS.filter((c) => argv.includes(c.name)).map(async (c) => loaded.set(c.name, await c.load())));
  let parser = withGlobal(
    yargs(argv)
      .scriptName('lambda-forensics')
      .usage('$0 <command> [options]\n\nOffline forensics for AWS Lambda: load exported logs and configuration into DuckDB and ask what each function did.')
      .strict()
      .demandCommand(1, 'Name a command; see the list above.')
      .recommendCommands()
      .exitProcess(false)
      .wrap(Math.min(110, process.stdout.columns || 100))
      .epilog(EPILOG),
  );
  for (const c of COMMANDS) {
    const m = loaded.get(c.name);
    parser = parser.command(c.usage, c.describe, (y) => (m ? m.builder(y) : y), async (a) => {
      running = c.name;
      code = await (m ?? (await c.load())).run(a);
    });
  }
  parser = parser.fail((msg, err) => {
    if (err) throw err;
    throw new UserError(msg ?? 'invalid arguments', { hint: 'Run with --help to see the commands and options.' });
  });

  try {
    await parser.parseAsync();
    return code;
  } catch (e) {
    if (isInterrupted()) {
      process.stderr.write(`error: interrupted (Ctrl-C).\n`);
      process.stderr.write(
        running === 'import'
          ? 'hint: The batches committed before it are kept, with their ledger rows; the one in progress was rolled back. Run the same import again to load the rest: files already loaded are not read again.\n'
          : 'hint: Run the command again to finish it.\n',
      );
      return 130;
    }
    if (e instanceof UserError) {
      process.stderr.write(`error: ${terminalSafe(e.message)}\n`);
      if (e.hint) process.stderr.write(`hint: ${e.hint}\n`);
      return e.exitCode;
    }
    process.stderr.write(`internal error: ${errorMessage(e)}\n${e instanceof Error ? e.stack ?? '' : ''}\n`);
    process.stderr.write('This is a bug in lambda-forensics; please report it with the command you ran.\n');
    return 70;
  }
}
