import yargs from 'yargs';
import { UserError, errorMessage } from '../errors.ts';
import { terminalSafe } from '../output/printer.ts';
import { withGlobal } from './common.ts';
import { analyzeBuilder, analyzeCommand, type AnalyzeArgs } from './analyze.ts';
import { benchBuilder, benchCommand, type BenchArgs } from './bench.ts';
import { auditBuilder, auditCommand, type AuditArgs } from './audit.ts';
import { demoBuilder, demoCommand, type DemoArgs } from './demo.ts';
import { importBuilder, importCommand, type ImportArgs } from './import.ts';
import { queryBuilder, queryCommand, type QueryArgs } from './query.ts';
import { reportBuilder, reportCommand, type ReportArgs } from './report.ts';

const EPILOG = `Exit codes: 0 ok, 1 findings/issues with --strict or a failed file, 2 usage or input error, 3 database locked or unusable.
Every command reads --db (default ./forensics.duckdb). Data goes to stdout, messages to stderr.`;

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const run = (fn: () => Promise<number>) => async () => {
    code = await fn();
  };
  const parser = withGlobal(
    yargs(argv)
      .scriptName('lambda-forensics')
      .usage('$0 <command> [options]\n\nOffline forensics for AWS Lambda: load exported logs and configuration into DuckDB and ask what each function did.')
      .strict()
      .demandCommand(1, 'Name a command; see the list above.')
      .recommendCommands()
      .exitProcess(false)
      .wrap(Math.min(110, process.stdout.columns || 100))
      .epilog(EPILOG),
  )
    .command(
      'import <paths..>',
      'Load CloudTrail, CloudWatch Logs and other exports into the database (re-importing a file does nothing)',
      importBuilder,
      (a) => run(() => importCommand(a as unknown as ImportArgs))(),
    )
    .command(
      'query <sql>',
      'Run read-only SQL against the database; --out exports to .parquet/.csv/.json/.arrow',
      queryBuilder,
      (a) => run(() => queryCommand(a as unknown as QueryArgs))(),
    )
    .command(
      'analyze <analyzer>',
      'Run an analyzer (or `findings` for all of them, `list` for the catalogue) against the baseline and incident windows',
      analyzeBuilder,
      (a) => run(() => analyzeCommand(a as unknown as AnalyzeArgs))(),
    )
    .command(
      'audit',
      'Audit from the configuration dumps who can change or invoke each function and what each function may do',
      auditBuilder,
      (a) => run(() => auditCommand(a as unknown as AuditArgs))(),
    )
    .command(
      'report',
      'Write the self-contained HTML incident report (summary, findings, one section per affected function)',
      reportBuilder,
      (a) => run(() => reportCommand(a as unknown as ReportArgs))(),
    )
    .command(
      'bench',
      'Benchmark: generate large synthetic exports and time import, analyze and report against DuckDB, gunzip and jq',
      benchBuilder,
      (a) => run(() => benchCommand(a as unknown as BenchArgs))(),
    )
    .command(
      'demo',
      'Import sample-data/ into a fresh database, analyze it and write the report (out/)',
      demoBuilder,
      (a) => run(() => demoCommand(a as unknown as DemoArgs))(),
    )
    .fail((msg, err) => {
      if (err) throw err;
      throw new UserError(msg ?? 'invalid arguments', { hint: 'Run with --help to see the commands and options.' });
    });

  try {
    await parser.parseAsync();
    return code;
  } catch (e) {
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
