/** Error types that carry a documented process exit code; the CLI prints their message without a stack. */

/** The documented exit codes of every mqbench command. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  invalidInput: 2,
  gateFailed: 3,
  inconclusive: 4,
  interrupted: 130,
} as const;

/** One problem found in an input file: where it is and what is wrong. */
export interface InputIssue {
  /** The file (or "--set", "--targets", an environment variable) the problem is in. */
  source: string;
  /** A dotted path inside the file, e.g. "workload.messages" or "matrix.include[2].payloadBytes". */
  path: string;
  /** Line and column in the file when known. */
  line?: number;
  column?: number;
  message: string;
}

/** Invalid user input (scenario, flags, result files); exit code 2. Carries every issue found, not only the first. */
export class InputError extends Error {
  readonly exitCode = ExitCode.invalidInput;
  constructor(
    readonly issues: InputIssue[],
    summary?: string,
  ) {
    super(summary ?? formatIssues(issues));
    this.name = 'InputError';
  }
}

/** Formats issues one per line as "file:line:col: path: message". */
export function formatIssues(issues: InputIssue[]): string {
  return issues
    .map((issue) => {
      const where = issue.line === undefined ? issue.source : `${issue.source}:${issue.line}:${issue.column ?? 1}`;
      return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
    })
    .join('\n');
}

/** The message of any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
