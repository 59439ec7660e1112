import path from 'node:path';

/**
 * Where the log group of a CloudWatch Logs file came from (import_files.log_group_method):
 * - in-file: the file names it (subscription payloads carry logGroup);
 * - cli: `--log-group` on the command line;
 * - export-task: a folder of the path is the id of an export task of a describe-export-tasks
 *   listing (S3 exports are written to <destinationPrefix>/<taskId>/<logStream>/000000.gz);
 * - path: the path names the function, strictly in one of two forms:
 *     a folder sequence  aws/lambda/<name>/  (as in <bucket>/aws/lambda/<name>/...), or
 *     a file name        _aws_lambda_<name>[_...]  (the log group with '/' turned into '_'),
 *   where <name> ends at the extension or at the first '_' followed by a digit or '['
 *   (so _aws_lambda_my_func_2024-05-01.json names my_func; a name ending in _<digit> is cut there:
 *   pass --log-group for such names);
 * - unknown: none of these; the group stays NULL. A name is never guessed from message text.
 */
export type LogGroupMethod = 'in-file' | 'cli' | 'export-task' | 'path' | 'unknown';

export interface ResolvedLogGroup {
  logGroup?: string;
  method: Exclude<LogGroupMethod, 'in-file'>;
  /** S3 exports only: the log stream named by the folders above the object. */
  logStream?: string;
  /** For the ledger's reason column. */
  note: string;
  /** --log-group disagrees with the export task the path names. */
  conflict?: string;
}

/** Lambda function names: letters, digits, '-' and '_', at most 64 characters. */
const FUNCTION_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
const FILE_NAME_RE = /^_aws_lambda_([A-Za-z0-9_-]+?)(?:\.|_(?=[0-9[])|$)/;

export function pathSegments(p: string): string[] {
  return p.split(/[\\/]+/).filter((s) => s !== '');
}

/** The export task whose id is a folder of the path, and the log stream below it. */
export function taskFromPath(
  segs: string[],
  tasks: ReadonlyMap<string, string>,
): { taskId: string; logGroup: string; logStream?: string } | undefined {
  for (let i = segs.length - 2; i >= 0; i--) {
    const group = tasks.get(segs[i]!);
    if (group !== undefined) {
      const stream = segs.slice(i + 1, -1).join('/');
      return { taskId: segs[i]!, logGroup: group, logStream: stream || undefined };
    }
  }
  return undefined;
}

/** The log group named by the path (folder aws/lambda/<name>/ or file _aws_lambda_<name>...). */
export function groupFromPath(segs: string[]): { logGroup: string; how: string } | undefined {
  // folders only: the name must not be the file itself
  for (let i = segs.length - 4; i >= 0; i--) {
    if (segs[i] === 'aws' && segs[i + 1] === 'lambda' && FUNCTION_NAME_RE.test(segs[i + 2]!)) {
      return { logGroup: `/aws/lambda/${segs[i + 2]}`, how: `folder aws/lambda/${segs[i + 2]}` };
    }
  }
  const base = segs[segs.length - 1] ?? '';
  const m = FILE_NAME_RE.exec(base);
  if (m && FUNCTION_NAME_RE.test(m[1]!)) return { logGroup: `/aws/lambda/${m[1]}`, how: `file name ${base}` };
  return undefined;
}

/**
 * The log stream of an S3 export object whose task id is not known: Lambda's stream names
 * (YYYY/MM/DD/[<version>]<id>, or YYYY/MM/DD/<function>[<version>]<id> in a custom log group) are
 * the four folders right above the object.
 */
export function lambdaStreamFromPath(segs: string[]): string | undefined {
  const n = segs.length;
  if (n < 5) return undefined;
  const [y, mo, d, s] = segs.slice(n - 5, n - 1);
  if (/^\d{4}$/.test(y!) && /^\d{2}$/.test(mo!) && /^\d{2}$/.test(d!) && /^[^[\]]*\[[^\]]*\][^[\]]+$/.test(s!))
    return `${y}/${mo}/${d}/${s}`;
  return undefined;
}

/** Resolves the log group of a file that does not name one itself. */
export function resolveLogGroup(
  absPath: string,
  format: string,
  cliGroup: string | undefined,
  tasks: ReadonlyMap<string, string>,
): ResolvedLogGroup {
  const segs = pathSegments(path.resolve(absPath));
  const task = taskFromPath(segs, tasks);
  const logStream = format === 'lambda-logs-export' ? (task ? task.logStream : lambdaStreamFromPath(segs)) : undefined;
  if (cliGroup) {
    const conflict =
      task && task.logGroup !== cliGroup
        ? `--log-group ${cliGroup} differs from export task ${task.taskId} in the path (log group ${task.logGroup}); --log-group was used`
        : undefined;
    return { logGroup: cliGroup, method: 'cli', logStream, note: `log group ${cliGroup} from --log-group`, conflict };
  }
  if (task) {
    return {
      logGroup: task.logGroup,
      method: 'export-task',
      logStream,
      note: `log group ${task.logGroup} from export task ${task.taskId} (describe-export-tasks)`,
    };
  }
  const p = groupFromPath(segs);
  if (p) return { logGroup: p.logGroup, method: 'path', logStream, note: `log group ${p.logGroup} from the path (${p.how})` };
  return {
    method: 'unknown',
    logStream,
    note:
      'log group unknown: the file does not name it; pass --log-group, import the describe-export-tasks output, ' +
      'or keep the files under an aws/lambda/<function>/ folder',
  };
}
