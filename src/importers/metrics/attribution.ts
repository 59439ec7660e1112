import path from 'node:path';

/**
 * get-metric-statistics prints only {"Label": "<metric name>", "Datapoints": [...]}: the function
 * the numbers belong to is not in the file. It is taken from the file's path, by one of two rules:
 *
 *   1. file name  <function><sep><Metric>[<sep><stat>][<sep><timestamp>].json
 *                 e.g. orders-api_Invocations.json, orders-api.Duration.p99.json,
 *                 orders-api-Errors-20260312T0900Z.json
 *   2. folder     <function>/<Metric>[<sep><stat>][<sep><timestamp>].json
 *                 e.g. metrics/orders-api/Invocations.json
 *
 * <sep> is one of . _ -; <Metric> is the file's Label (case-insensitive); the extension may be .json,
 * .txt or .out, optionally .gz. The function part must be a valid Lambda function name (letters,
 * digits, - and _; at most 64). Anything else names no function, and the file is not loaded.
 */
const STAT = '(?:sum|average|avg|maximum|max|minimum|min|samplecount|p\\d{1,2}(?:\\.\\d+)?)';
const STAMP = '(?:\\d[\\dTZtz:._-]*)';
const FUNCTION_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

export interface FunctionFromPath {
  functionName: string;
  rule: 'file name' | 'folder name';
}

export function functionFromStatisticsPath(filePath: string, metric: string): FunctionFromPath | undefined {
  const base = path.basename(filePath).replace(/(\.(json|txt|out))?(\.gz)?$/i, '');
  const tail = `(?:[._-]${STAT})?(?:[._-]${STAMP})?`;
  const byName = new RegExp(`^([A-Za-z0-9_-]+?)[._-]${metric}${tail}$`, 'i').exec(base);
  if (byName && FUNCTION_NAME_RE.test(byName[1]!)) return { functionName: byName[1]!, rule: 'file name' };
  if (new RegExp(`^${metric}${tail}$`, 'i').test(base)) {
    const folder = path.basename(path.dirname(filePath));
    if (FUNCTION_NAME_RE.test(folder)) return { functionName: folder, rule: 'folder name' };
  }
  return undefined;
}
