/**
 * A small hierarchy of errors that carry a cause and say what to do. The CLI prints
 * `message` (plus `hint`) as one line; the stack only with --verbose.
 */
export class CrmEtlError extends Error {
  /** What the user should do about it, appended to the one-line message. */
  readonly hint: string | undefined;
  /** Exit code the CLI uses for this class of failure. */
  readonly exitCode: number = 1;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }

  /** The one line the CLI prints. */
  describe(): string {
    return this.hint ? `${this.message}. ${this.hint}` : this.message;
  }
}

/** Bad configuration, option, mapping or URL: the user must change what they passed. */
export class ConfigError extends CrmEtlError {
  override readonly exitCode = 2;
}

/** A database or server that cannot be reached or refuses us. Often transient. */
export class ConnectionError extends CrmEtlError {
  override readonly exitCode = 3;
}

/**
 * A warehouse without the schema this version needs (never migrated, or behind): a read-only
 * command says so rather than failing on a missing table. The user must run crm-etl migrate.
 */
export class NotMigratedError extends CrmEtlError {
  override readonly exitCode = 2;
}

/** An input file or source that cannot be read at all (missing, unreadable, not a spreadsheet). */
export class SourceError extends CrmEtlError {
  override readonly exitCode = 4;
}

/** A capability that a later release brings; said plainly rather than pretending. */
export class NotImplementedError extends CrmEtlError {
  override readonly exitCode = 64;
}

/** Turns anything thrown into the one line a user reads. */
export function describeError(err: unknown): string {
  if (err instanceof CrmEtlError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}
