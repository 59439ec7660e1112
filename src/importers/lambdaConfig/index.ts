import { sqlSections } from '../../db/sql.ts';
import { fileListParam, maxObjectSize } from '../common.ts';
import { emptyOutcome, type FileEntry, type FileOutcome, type Importer, type LoadContext } from '../types.ts';

const SQL = 'staging/lambda_config.sql';

/** What a whole file lacks, by shape code (staging/lambda_config.sql). */
const SHAPE_TEXT: Record<string, string> = {
  'no-functions': 'has no "Functions" array; expected aws lambda list-functions output {"Functions":[...]}',
  'functions-not-array': 'has "Functions", but not as an array; expected aws lambda list-functions output {"Functions":[...]}',
  'not-an-object': 'is not a JSON object',
  'no-configuration':
    'has neither a "Configuration" object (get-function) nor FunctionName/FunctionArn (get-function-configuration)',
  'no-policy': 'has no "Policy" string; expected aws lambda get-policy output {"Policy":"<JSON>","RevisionId":...}',
  'policy-not-json': 'has a "Policy" string that is not valid JSON',
  'policy-not-object': 'has a "Policy" string whose JSON is not a policy document object',
  'policy-no-statement': 'has a "Policy" document without a "Statement"',
  'no-url-config':
    'has neither "FunctionUrlConfigs" (list-function-url-configs) nor "FunctionUrl" (get-function-url-config)',
  'no-object': 'holds no JSON object',
};

const PROBLEM_TEXT: Record<string, string> = {
  'not-an-object': 'entry is not a JSON object',
  'missing-function-name': 'function has neither FunctionName nor FunctionArn',
  'bad-last-modified': 'LastModified is not a timestamp',
  'policy-function-unknown': 'statement Resource is not a Lambda function ARN, so the function is unknown',
  'missing-function-url': 'URL config has no FunctionUrl',
  'url-function-unknown': 'FunctionArn is missing or not a Lambda function ARN, so the function is unknown',
};

const KIND_UNIT: Record<string, string> = { function: 'record', statement: 'statement', url: 'record' };

/**
 * Lambda configuration: list-functions / get-function / get-function-configuration into
 * lambda_functions, get-policy into lambda_policy_statements (one row per statement; the function
 * comes from the statement's Resource ARN, because get-policy does not print it), and
 * get-function-url-config / list-function-url-configs into function_urls.
 */
export const lambdaConfigImporter: Importer = {
  formats: ['lambda-functions', 'lambda-function', 'lambda-policy', 'lambda-url-config'],
  source: 'lambda-config',
  description: 'Lambda configuration: list-functions, get-function(-configuration), get-policy, function URL configs',
  maxBatchFiles: 500,

  async load(ctx: LoadContext): Promise<Map<number, FileOutcome>> {
    const { db, files } = ctx;
    const sql = sqlSections(SQL);
    const outcomes = new Map<number, FileOutcome>(files.map((f) => [f.fileId, emptyOutcome()]));

    await db.run(sql.get('create')!);
    const byFormat = new Map<string, FileEntry[]>();
    for (const f of files) byFormat.set(f.format, [...(byFormat.get(f.format) ?? []), f]);
    for (const [format, group] of byFormat) {
      await db.run(sql.get(format)!, { files: fileListParam(group), max_object: maxObjectSize(group) });
    }

    const shape = await db.all<{ file_id: bigint; shape: string; policy_head: string | null }>(sql.get('shape-problems')!);
    if (shape.length) {
      const first = shape[0]!;
      const bad = files.find((f) => f.fileId === Number(first.file_id))!;
      let found = '';
      if (first.shape !== 'policy-not-json' && first.shape !== 'no-object') {
        const keys = await db.all<{ keys: string[] | null }>(sql.get('top-keys')!, {
          files: fileListParam([bad]),
          max_object: maxObjectSize([bad]),
        });
        found = keys[0]?.keys?.length ? ` (top-level keys: ${keys[0].keys.slice(0, 8).join(', ')})` : '';
      } else if (first.policy_head !== null) {
        found = ` (it begins ${JSON.stringify(first.policy_head)})`;
      }
      throw new Error(`${bad.format === 'lambda-policy' ? 'get-policy output' : 'the file'} ${SHAPE_TEXT[first.shape] ?? first.shape}${found}`);
    }

    await db.run(sql.get('records')!);
    await db.run(sql.get('normalize-functions')!);
    await db.run(sql.get('normalize-statements')!);
    await db.run(sql.get('normalize-urls')!);
    await db.run(sql.get('insert-functions')!);
    await db.run(sql.get('insert-statements')!);
    await db.run(sql.get('insert-urls')!);

    for (const r of await db.all<{ file_id: bigint; loaded: bigint; rejected: bigint }>(sql.get('counts')!)) {
      const o = outcomes.get(Number(r.file_id))!;
      o.rowsLoaded = Number(r.loaded);
      o.rowsRejected = Number(r.rejected);
    }
    for (const p of await db.all<{ file_id: bigint; kind: string; record_index: bigint; code: string; outcome: string; detail: string | null }>(
      sql.get('problems')!,
    )) {
      const detail = p.detail ? ` (${JSON.stringify(p.detail.length > 120 ? `${p.detail.slice(0, 120)}…` : p.detail)})` : '';
      outcomes.get(Number(p.file_id))!.issues.push({
        location: `${KIND_UNIT[p.kind] ?? 'record'} ${p.record_index}`,
        severity: 'warning',
        code: p.code,
        message: `${PROBLEM_TEXT[p.code] ?? p.code}${detail}; ${p.outcome === 'rejected' ? 'entry skipped' : 'row kept'}`,
      });
    }
    for (const r of await db.all<{ file_id: bigint }>(sql.get('paging')!)) {
      outcomes.get(Number(r.file_id))!.issues.push({
        severity: 'warning',
        code: 'more-pages',
        message: 'the output has a NextMarker: it is one page of a longer list, the other pages are not in this file',
      });
    }
    for (const f of files) {
      const o = outcomes.get(f.fileId)!;
      if (o.rowsLoaded + o.rowsRejected === 0) {
        o.note = f.format === 'lambda-url-config' ? 'no function URL configs' : f.format === 'lambda-policy' ? 'policy without statements' : 'no functions';
      }
    }
    for (const t of ['lc_functions', 'lc_statements', 'lc_urls', 'lc_records', 'lc_docs']) await db.run(`DROP TABLE IF EXISTS ${t}`);
    return outcomes;
  },
};
