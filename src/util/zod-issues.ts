/** Turning zod errors into InputIssues with readable paths such as "matrix.include[2].payloadBytes". */
import type { z } from 'zod';
import type { InputIssue } from './errors.js';

/** A path array as text: keys joined with ".", indices in brackets. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

/** One issue per zod issue (unrecognised keys become one issue per key, at the key's own path). */
export function issuesFromZod(error: z.ZodError, source: string, prefix: readonly PropertyKey[] = []): Array<InputIssue & { pathKeys: PropertyKey[] }> {
  return fromIssues(error.issues, source, prefix);
}

/**
 * The issues of the one branch of a plain union that took the value's kind (an object given where a name or an
 * object may go), so the message says what is wrong inside it rather than "Invalid input"; undefined when none or
 * several did.
 */
function branchOfItsKind(issue: z.core.$ZodIssue): z.core.$ZodIssue[] | undefined {
  if (issue.code !== 'invalid_union' || ('discriminator' in issue && issue.discriminator)) return undefined;
  const branches = ((issue as { errors?: z.core.$ZodIssue[][] }).errors ?? []).filter((branch) => !branch.some((inner) => inner.path.length === 0 && inner.code === 'invalid_type'));
  return branches.length === 1 ? branches[0] : undefined;
}

function fromIssues(list: readonly z.core.$ZodIssue[], source: string, prefix: readonly PropertyKey[]): Array<InputIssue & { pathKeys: PropertyKey[] }> {
  const issues: Array<InputIssue & { pathKeys: PropertyKey[] }> = [];
  for (const issue of list) {
    const path = [...prefix, ...issue.path];
    const branch = branchOfItsKind(issue);
    if (branch) {
      issues.push(...fromIssues(branch, source, path));
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ source, path: formatPath([...path, key]), pathKeys: [...path, key], message: 'unknown field' });
      }
      continue;
    }
    issues.push({ source, path: formatPath(path), pathKeys: path, message: describeIssue(issue) });
  }
  return issues;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const options = (issue as { options?: unknown[] }).options;
    return options ? `must be one of ${options.map((option) => JSON.stringify(option)).join(', ')}` : issue.message;
  }
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return 'is required';
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `must be one of ${(issue.values as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}
