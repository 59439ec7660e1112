/**
 * The few error classes the CLI knows about. They are caught once, in main.ts, and turned into
 * a one-line message plus an exit code. Anything else is a bug and prints a stack trace.
 */
export class UserError extends Error {
  /** Process exit code: 2 for usage/input problems, 3 for a locked or unusable database. */
  readonly exitCode: number;
  /** What the user can do next, printed under the message. */
  readonly hint?: string;
  constructor(message: string, opts: { exitCode?: number; hint?: string } = {}) {
    super(message);
    this.name = 'UserError';
    this.exitCode = opts.exitCode ?? 2;
    this.hint = opts.hint;
  }
}

export class DatabaseLockedError extends UserError {
  constructor(dbPath: string, holder: string | undefined) {
    super(
      `The database ${dbPath} is locked by another process${holder ? ` (${holder})` : ''}.`,
      {
        exitCode: 3,
        hint: 'Wait for that import to finish, stop it, or pass --db to use another database file.',
      },
    );
    this.name = 'DatabaseLockedError';
  }
}

export class ReadOnlyQueryError extends UserError {
  constructor(message: string) {
    super(message, {
      exitCode: 2,
      hint: '`query` opens the database read-only; use `import` to add data.',
    });
    this.name = 'ReadOnlyQueryError';
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
