// CloudWatch Logs of /aws/lambda/<fn>: CreateExportTask output in S3 (exportedlogs/<taskId>/
// <logStream>/000000.gz, lines `<ISO timestamp> <message>`) with the matching
// `aws logs describe-export-tasks` listing, and for thumbnail-maker `aws logs filter-log-events`
// output (no log group in the file: its path names the function).
import { invocationLog, type LogEvent } from './logLines.ts';
import type { Out } from './io.ts';
import { gz } from './io.ts';
import { FUNCTIONS, Rng, T0, T_END, at, type FnName } from './story.ts';
import type { World } from './world.ts';

export interface LogsSummary {
  events: Record<FnName, number>;
  invocations: Record<FnName, number>;
  streams: Record<FnName, number>;
  exportFiles: number;
}

function eventsByFunction(w: World): Map<FnName, LogEvent[]> {
  const m = new Map<FnName, LogEvent[]>(FUNCTIONS.map((f) => [f.name, []]));
  for (const inv of w.invocations) m.get(inv.fn)!.push(...invocationLog(inv));
  for (const evs of m.values()) evs.sort((a, b) => a.t - b.t || a.stream.localeCompare(b.stream));
  return m;
}

export function writeLogs(out: Out, w: World): LogsSummary {
  const rng = new Rng('logs/files');
  const byFn = eventsByFunction(w);
  const tasks: unknown[] = [];
  const summary: LogsSummary = { events: {} as Record<FnName, number>, invocations: {} as Record<FnName, number>, streams: {} as Record<FnName, number>, exportFiles: 0 };
  out.write('logs/exportedlogs/aws-logs-write-test', 'Permission Check Successful');
  for (const f of FUNCTIONS) {
    const evs = byFn.get(f.name)!.filter((e) => e.t <= T_END);
    summary.events[f.name] = evs.length;
    summary.invocations[f.name] = w.invocations.filter((i) => i.fn === f.name).length;
    const streams = new Map<string, LogEvent[]>();
    for (const e of evs) {
      let s = streams.get(e.stream);
      if (!s) streams.set(e.stream, (s = []));
      s.push(e);
    }
    summary.streams[f.name] = streams.size;
    if (f.logs === 'export') {
      const taskId = rng.uuid();
      for (const [stream, list] of [...streams].sort((a, b) => a[0].localeCompare(b[0]))) {
        const text = list.map((e) => `${new Date(e.t).toISOString()} ${e.message}\n`).join('');
        out.write(`logs/exportedlogs/${taskId}/${stream}/000000.gz`, gz(text));
        summary.exportFiles++;
      }
      const created = at(4, 7, 2, 11) + tasks.length * 95_000;
      tasks.push({
        taskId,
        taskName: `ir-2026-03-12-${f.name}`,
        logGroupName: `/aws/lambda/${f.name}`,
        from: T0,
        to: T_END + 1000,
        destination: 'acme-ir-evidence',
        destinationPrefix: 'exportedlogs',
        status: { code: 'COMPLETED', message: 'Completed successfully' },
        executionInfo: { creationTime: created, completionTime: created + rng.int(40_000, 90_000) },
      });
    } else {
      writeFilterLogEvents(out, rng, f.name, evs, [...streams.keys()].sort());
    }
  }
  out.cliJson('logs/describe-export-tasks.json', { exportTasks: tasks });
  return summary;
}

/** filter-log-events output, split in two pages the way a responder saved it (--max-items). */
function writeFilterLogEvents(out: Out, rng: Rng, name: string, evs: LogEvent[], streams: string[]): void {
  const cut = Math.ceil(evs.length / 2);
  const pages = [evs.slice(0, cut), evs.slice(cut)];
  pages.forEach((page, i) => {
    const events = page.map((e) => ({
      logStreamName: e.stream,
      timestamp: e.t,
      message: `${e.message}\n`,
      ingestionTime: e.t + rng.int(180, 950),
      eventId: `3${rng.chars(55, '0123456789')}`,
    }));
    const pageStreams = [...new Set(page.map((e) => e.stream))].sort();
    const body: Record<string, unknown> = {
      events,
      searchedLogStreams: (i === 0 ? pageStreams : streams.filter((s) => pageStreams.includes(s))).map((logStreamName) => ({ logStreamName, searchedCompletely: true })),
    };
    if (i === 0) body.NextToken = `Bxkq6kVGFtq2y_Moigeqscgt${rng.chars(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-')}`;
    out.cliJson(`logs/filter-log-events/aws/lambda/${name}/part-00${i + 1}.json`, body);
  });
}
