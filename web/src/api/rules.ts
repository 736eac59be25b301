import { queryRules } from './generated/rules.ts';

type Operation = keyof typeof queryRules;
type ParameterOf<O extends Operation> = keyof (typeof queryRules)[O] & string;

export type RuleBroken = 'too-short' | 'too-long' | 'pattern';

/** Which of the API's constraints on a query parameter `value` breaks, if any. */
export function checkQueryParameter<O extends Operation>(
  operation: O,
  parameter: ParameterOf<O>,
  value: string,
): RuleBroken | undefined {
  const rule = queryRules[operation][parameter] as {
    minLength?: number;
    maxLength?: number;
    pattern?: string;
  };
  if (rule.minLength !== undefined && value.length < rule.minLength) return 'too-short';
  if (rule.maxLength !== undefined && value.length > rule.maxLength) return 'too-long';
  if (rule.pattern !== undefined && !new RegExp(rule.pattern).test(value)) return 'pattern';
  return undefined;
}
