import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** One problem of a config, as the one line the user reads. */
export interface ConfigProblem {
  /** Dotted path of the offending key ('(top level)' for the whole file). */
  key: string;
  /** What is wrong with it, to follow the key: "has unknown key(s) paht; lacks path". */
  text: string;
  /** The top-level section it is in (e.g. 'scoreboard'), for a hint that points at its docs. */
  section: string | undefined;
}

interface Located {
  issue: Issue;
  /** Full path from the top of the config (issues inside a union are relative to it). */
  path: PropertyKey[];
}

/**
 * The problem to report of a config that failed validation, given zod's issues and the value
 * read from the file. Two choices make it name what the user wrote wrong:
 * - an issue of a union (a source whose `connector` picks its schema, a stream that is an object
 *   or `false`) stands for the issues of the member the value was meant for, not "Invalid input";
 * - an unknown key comes first: a misspelled key (`paht:`) is why the right one (`path`) is
 *   missing, so it is the one to name.
 */
export function configProblem(issues: readonly Issue[], raw: unknown): ConfigProblem {
  const located = flatten(issues, []);
  const chosen = located.find((l) => l.issue.code === 'unrecognized_keys') ?? located[0]!;
  const key = chosen.path.map(String).join('.') || '(top level)';
  return {
    key,
    text: describe(chosen, located, raw),
    section: typeof chosen.path[0] === 'string' ? chosen.path[0] : undefined,
  };
}

function flatten(issues: readonly Issue[], base: PropertyKey[]): Located[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const meant = intendedMember(issue.errors);
      if (meant) return flatten(meant, path);
    }
    return [{ issue, path }];
  });
}

/**
 * The union member the value was meant for: of those whose kind it has (not another type, not
 * another literal of a tag such as `connector`), the one with the fewest problems. None when it
 * fits no member's kind: the union's own issue says what it may be.
 */
function intendedMember(members: readonly Issue[][]): Issue[] | undefined {
  const candidates = members.filter((issues) => !issues.some(isWrongKind));
  if (candidates.length === 0) return undefined;
  return candidates.reduce((best, m) => (m.length < best.length ? m : best));
}

function isWrongKind(issue: Issue): boolean {
  if (issue.path.length === 0) return issue.code === 'invalid_type' || issue.code === 'invalid_value';
  // A tag: one expected value in a key of the member itself (connector: erp).
  return issue.path.length === 1 && issue.code === 'invalid_value' && issue.values.length === 1;
}

function describe(chosen: Located, all: readonly Located[], raw: unknown): string {
  const { issue, path } = chosen;
  if (issue.code === 'unrecognized_keys') {
    // Keys the same object lacks: the misspelling is usually of one of them.
    const missing = all
      .filter(
        (l) =>
          l.path.length === path.length + 1 &&
          path.every((p, i) => l.path[i] === p) &&
          valueAt(raw, l.path) === undefined,
      )
      .map((l) => String(l.path.at(-1)));
    return `has unknown key(s) ${issue.keys.join(', ')}${missing.length ? `; lacks ${missing.join(', ')}` : ''}`;
  }
  const expected = expectedKinds(issue);
  if (valueAt(raw, path) === undefined && (issue.code === 'invalid_type' || expected))
    return `is missing${expected ? `: expected ${expected}` : ''}`;
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    const bound = issue.code === 'too_big' ? 'at most' : 'at least';
    const limit = issue.code === 'too_big' ? issue.maximum : issue.minimum;
    return issue.origin === 'array' ? `must have ${bound} ${limit} item(s)` : `must be ${bound} ${limit}`;
  }
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'must be a whole number';
  if (issue.code === 'invalid_value')
    return `must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options))
    return `must be one of ${(issue.options as unknown[]).map((v) => String(v)).join(', ')}`;
  if (expected) return `is invalid: expected ${expected}`;
  // Schemas word their own checks as what the value should be ('a date YYYY-MM-DD').
  if (/^an? /.test(issue.message)) return `must be ${issue.message}`;
  return issue.message.replace(/^Invalid input: /, 'is invalid: ');
}

/** For a union none of whose members the value's kind fits: what those kinds are ("string or array"). */
function expectedKinds(issue: Issue): string | undefined {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return undefined;
  const kinds = issue.errors.flatMap((member) =>
    member
      .filter((i) => i.path.length === 0)
      .flatMap((i) =>
        i.code === 'invalid_type'
          ? [i.expected]
          : i.code === 'invalid_value'
            ? i.values.map((v) => JSON.stringify(v))
            : [],
      ),
  );
  return kinds.length ? [...new Set(kinds)].join(' or ') : undefined;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
