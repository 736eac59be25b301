import { createContext, runInContext } from 'node:vm';

// A string parameter's `pattern` is written by an organization (its WorkflowTemplates), and the
// platform and the operator, which every organization shares, test run values against it. A
// backtracking pattern such as `(a+)+` could hold their event loops for minutes, so a match runs in
// a context of its own with a time budget, and a pattern that spends it is refused, not waited for.

const sandbox = createContext({ pattern: '', value: '' });
const MATCH = "new RegExp('^(?:' + pattern + ')$').test(value)";

/** What a match may spend, in milliseconds: far beyond what a sane pattern needs on 1024 characters. */
export const PATTERN_BUDGET_MS = 50;

/** Why `pattern` is no regular expression, else undefined. */
export function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(`^(?:${pattern})$`);
    return undefined;
  } catch (error) {
    return `is not a regular expression: ${(error as Error).message}`;
  }
}

/** Whether the whole of `value` matches `pattern`; 'too-slow' when it spent its budget undecided. */
export function matchesPattern(pattern: string, value: string): boolean | 'too-slow' {
  sandbox.pattern = pattern;
  sandbox.value = value;
  try {
    return runInContext(MATCH, sandbox, { timeout: PATTERN_BUDGET_MS }) === true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'too-slow';
    return false;
  }
}
