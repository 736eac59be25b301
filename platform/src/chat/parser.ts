import type { Category, Severity } from '../agents/index.ts';
import { Lexicon, type Reading, type Span, words as wordsOf } from './phrases.ts';
import * as words from './vocabulary.ts';

/** What agents a message asks for: the topics it named, as categories and agent ids. */
export interface AgentSelection {
  topics: string[];
  categories: Category[];
  agents: string[];
}

/**
 * What a message asks for. `environment` is the environment a message names (its synonyms
 * resolved), which the service checks against the organization's; absent: the session's last, or
 * the organization's first.
 */
export type Intent =
  | { kind: 'run_agents'; selection: AgentSelection; environment?: string }
  | { kind: 'show_findings'; environment?: string; severity?: Severity; categories?: Category[] }
  | { kind: 'start_workflow'; template: string; environment?: string }
  | { kind: 'workflow_status'; workflowId?: string; template?: string }
  | { kind: 'decide'; decision: 'approve' | 'reject'; workflowId?: string }
  | { kind: 'repeat_elsewhere'; environment: string }
  | { kind: 'narrow'; severity: Severity }
  | { kind: 'fix'; environment?: string }
  | { kind: 'help' }
  | { kind: 'unplaceable'; reason: 'empty' | 'instructions' | 'unknown' };

export interface ParseContext {
  /** The organization's environments: their names match as they are. */
  environments: readonly string[];
}

const lexicon = new Lexicon({
  instructions: words.INSTRUCTION_ATTEMPTS,
  help: words.HELP,
  approve: words.APPROVE,
  reject: words.REJECT,
  status: words.STATUS,
  workflow: words.WORKFLOW_WORDS,
  start: words.START,
  strongRun: words.RUN_VERBS,
  question: words.QUESTIONS,
  findings: words.FINDINGS,
  show: words.SHOW,
  another: words.ANOTHER_ENVIRONMENT,
  fix: words.FIX,
  ones: words.ONES,
  ...Object.fromEntries(
    words.TEMPLATES.flatMap((t) => [
      [`template:${t.template}`, t.phrases],
      [`verb:${t.template}`, t.verbs],
    ]),
  ),
  ...Object.fromEntries(words.TOPICS.map((t) => [`topic:${t.topic}`, t.phrases])),
  ...Object.fromEntries(words.SEVERITY_WORDS.map((s) => [`severity:${s.severity}`, s.phrases])),
});
const PREPOSITIONS = new Set(['on', 'in', 'for', 'against', 'at', 'to', 'about', 'of']);
const FILLERS = new Set(['the', 'my', 'our']);
const ENVIRONMENT_NOUNS = new Set(['env', 'environment']);

/**
 * The environment a message names: one of the organization's own names; a synonym (prod, stage, ...)
 * placed as an environment ("on prod", "the dev environment") or meaning one the organization has;
 * or any word called an environment ("the sandbox environment"), which the service then refuses.
 */
function environmentOf(tokens: readonly string[], context: ParseContext): string | undefined {
  let loose: string | undefined;
  for (const [i, token] of tokens.entries()) {
    if (context.environments.includes(token)) return token;
    const before = tokens[i - 1] ?? '';
    const calledOne = ENVIRONMENT_NOUNS.has(tokens[i + 1] ?? '');
    const placed = PREPOSITIONS.has(before) || (FILLERS.has(before) && PREPOSITIONS.has(tokens[i - 2] ?? ''));
    const synonym = words.ENVIRONMENT_SYNONYMS[token];
    if (synonym !== undefined) {
      if (placed || calledOne) return synonym;
      if (context.environments.includes(synonym)) loose ??= synonym;
    } else if (calledOne && !FILLERS.has(token) && !PREPOSITIONS.has(token)) {
      return token;
    }
  }
  return loose;
}

function selectionOf(reading: Reading): AgentSelection | undefined {
  // The table lists specific topics first: words one matched do not count for a broader one.
  const taken = new Set<number>();
  const found = words.TOPICS.filter((topic) => {
    const spans = reading.spans(`topic:${topic.topic}`).filter((span) => !covers(taken, span));
    for (const span of spans) for (let k = 0; k < span.length; k++) taken.add(span.at + k);
    return spans.length > 0;
  });
  if (found.length === 0) return undefined;
  return {
    topics: found.map((topic) => topic.topic),
    categories: [...new Set(found.flatMap((topic) => topic.categories ?? []))],
    agents: [...new Set(found.flatMap((topic) => topic.agents ?? []))],
  };
}

function covers(taken: ReadonlySet<number>, span: Span): boolean {
  for (let k = 0; k < span.length; k++) if (taken.has(span.at + k)) return true;
  return false;
}

/**
 * Maps a message to an intent by the tables in vocabulary.ts, nothing else: the same message in the
 * same organization always gives the same intent. Text that tries to instruct is unplaceable.
 */
export function parse(message: string, context: ParseContext): Intent {
  const text = wordsOf(message)
    .join(' ')
    .replace(/\bhigh(ly)? availab[a-z]*/g, 'ha');
  if (text === '') return { kind: 'unplaceable', reason: 'empty' };
  const tokens = text.split(' ');
  const r = lexicon.read(tokens);
  if (r.has('instructions')) return { kind: 'unplaceable', reason: 'instructions' };
  const environment = environmentOf(tokens, context);
  const env = environment === undefined ? {} : { environment };
  const severity = words.SEVERITY_WORDS.find((s) => r.has(`severity:${s.severity}`))?.severity;
  const workflowId = words.WORKFLOW_ID.exec(text)?.[1];
  const id = workflowId === undefined ? {} : { workflowId };

  const decision = r.has('reject') ? 'reject' : r.has('approve') ? 'approve' : undefined;
  if (decision) return { kind: 'decide', decision, ...id };

  const template = words.TEMPLATES.find(
    (t) => r.has(`template:${t.template}`) || r.has(`verb:${t.template}`),
  );
  if (template && r.has('status')) return { kind: 'workflow_status', template: template.template };
  if (template) {
    const named = r.spans(`template:${template.template}`)[0];
    const alone = named !== undefined && named.length === tokens.length;
    if (alone || r.has('start') || r.has(`verb:${template.template}`) || r.has('workflow')) {
      return { kind: 'start_workflow', template: template.template, ...env };
    }
  }
  if (workflowId !== undefined || (r.has('status') && r.has('workflow'))) {
    return { kind: 'workflow_status', ...id };
  }

  const selection = selectionOf(r);
  if (r.has('fix')) return { kind: 'fix', ...env };
  const strongRun = r.has('strongRun');
  const findings = r.has('findings');
  if (findings && !strongRun) {
    return {
      kind: 'show_findings',
      ...env,
      ...(severity ? { severity } : {}),
      ...(selection && selection.categories.length > 0 ? { categories: selection.categories } : {}),
    };
  }
  if (selection || strongRun) {
    return { kind: 'run_agents', selection: selection ?? everything(), ...env };
  }
  if (severity && (r.has('ones') || tokens.length <= 4)) return { kind: 'narrow', severity };
  if (environment !== undefined && (r.has('another') || tokens.length <= 2)) {
    return { kind: 'repeat_elsewhere', environment };
  }
  if (r.has('help')) return { kind: 'help' };
  return { kind: 'unplaceable', reason: 'unknown' };
}

function everything(): AgentSelection {
  const all = words.TOPICS.find((topic) => topic.topic === 'everything');
  return { topics: ['everything'], categories: [...(all?.categories ?? [])], agents: [] };
}
