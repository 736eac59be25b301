import type { Category, Severity } from '../agents/index.ts';

/**
 * What the chat understands, as data: each table lists the phrasings users type for one thing.
 * A phrase matches whole words (`cost` does not match `costume`); a phrase ending in `*` matches
 * any word it starts (`vulnerab*`: vulnerable, vulnerability). parser.ts reads these tables only.
 */
export type Phrases = readonly string[];

/** Environment words and the environment they mean (an organization's own names match as they are). */
export const ENVIRONMENT_SYNONYMS: Readonly<Record<string, string>> = {
  prod: 'production',
  prd: 'production',
  production: 'production',
  live: 'production',
  stage: 'staging',
  stg: 'staging',
  staging: 'staging',
  dev: 'development',
  develop: 'development',
  development: 'development',
  qa: 'qa',
  test: 'test',
  testing: 'test',
};

/** Text that tries to instruct the assistant: never placed, so it never runs or approves anything. */
export const INSTRUCTION_ATTEMPTS: Phrases = [
  'ignore previous',
  'ignore all previous',
  'ignore the previous',
  'ignore prior',
  'ignore above',
  'ignore the above',
  'ignore your instructions',
  'ignore all instructions',
  'ignore instructions',
  'disregard*',
  'forget your instructions',
  'forget everything',
  'forget all previous',
  'new instructions',
  'system prompt',
  'you are now',
  'pretend to be',
  'pretend you',
  'act as',
  'jailbreak*',
  'developer mode',
  'override your',
  'bypass*',
  'without approval',
  'skip the approval',
  'skip approval',
];

export const HELP: Phrases = [
  'help',
  'what can you do',
  'what do you do',
  'what can i ask',
  'what can i do',
  'how do i use this',
  'how does this work',
  'commands',
  'options',
  'usage',
  'hi',
  'hello',
  'hey',
];

/** A workflow run's id as WorkflowRuns are named (a DNS label starting wf-). */
export const WORKFLOW_ID = /\b(wf-[a-z0-9]([-a-z0-9]{0,60}[a-z0-9])?)\b/;

export const APPROVE: Phrases = ['approve*', 'accept', 'sign off', 'sign-off', 'lgtm', 'greenlight', 'ok it'];
export const REJECT: Phrases = ['reject*', 'deny', 'decline*', 'refuse*', 'veto'];

export const STATUS: Phrases = [
  'status',
  'progress',
  'how is',
  'how s',
  'is it done',
  'done yet',
  'finished',
  'still running',
  'where is',
  'what happened to',
  'state of',
];
export const WORKFLOW_WORDS: Phrases = ['workflow*', 'pipeline*', 'run', 'runs', 'wf'];

/** Verbs that start something. */
export const START: Phrases = [
  'start*',
  'kick off',
  'kick-off',
  'kickoff',
  'launch*',
  'trigger*',
  'begin',
  'run',
  'execute',
  'fire off',
  'go ahead with',
];

/** Workflow templates by the words people use for them; starting needs a START verb or the template's own verb. */
export const TEMPLATES: ReadonlyArray<{ template: string; phrases: Phrases; verbs: Phrases }> = [
  {
    template: 'cost_optimization_pipeline',
    phrases: ['cost optimization', 'cost optimisation', 'cost-optimization', 'cost optimization pipeline'],
    verbs: [
      'optimize costs',
      'optimise costs',
      'optimize my costs',
      'optimise my costs',
      'rightsize*',
      'right-size*',
    ],
  },
  {
    template: 'security_hardening_pipeline',
    phrases: ['security hardening', 'hardening pipeline', 'hardening'],
    verbs: ['harden'],
  },
  {
    template: 'ml_model_lifecycle',
    phrases: [
      'ml model',
      'model lifecycle',
      'ml lifecycle',
      'ml pipeline',
      'model training',
      'ml model lifecycle',
    ],
    verbs: ['retrain*', 'train the model', 'deploy the model'],
  },
  {
    template: 'deployment_health_check',
    phrases: [
      'deployment health check',
      'deployment health',
      'health check workflow',
      'health check pipeline',
    ],
    verbs: [],
  },
];

/** Verbs that ask for agents to run now. */
export const RUN_VERBS: Phrases = [
  'run',
  'scan*',
  'check*',
  'analyze',
  'analyse',
  'analysis',
  'audit',
  'inspect',
  'review',
  'look at',
  'look for',
  'evaluate',
  'assess*',
  'examine',
  'investigate',
  'estimate',
  'test',
];
/** Questions: with a topic they run its agents; with FINDINGS words they read stored findings. */
export const QUESTIONS: Phrases = [
  'how much',
  'are there',
  'is there',
  'any',
  'do i have',
  'do we have',
  'what',
  'whats',
  'why',
  'are my',
  'is my',
  'are we',
];

/** Words for stored results: with SHOW (and no RUN verb) they read findings without a run. */
export const FINDINGS: Phrases = [
  'finding*',
  'issue*',
  'problem*',
  'result*',
  'alert*',
  'what did you find',
  'what you found',
  'open items',
];
export const SHOW: Phrases = [
  'show*',
  'list*',
  'display',
  'give me',
  'see',
  'view',
  'what are',
  'which',
  'get me',
  'open',
  'latest',
  'current',
];

/** Topics agents cover: a category, or named agents. Specific topics first (see parser.ts). */
export const TOPICS: ReadonlyArray<{
  topic: string;
  phrases: Phrases;
  categories?: readonly Category[];
  agents?: readonly string[];
}> = [
  {
    topic: 'crash loops',
    phrases: ['crash*', 'crashloop*', 'restart*', 'oom*', 'oomkilled', 'pod failures', 'failing pods'],
    agents: ['pod-runtime'],
  },
  { topic: 'probes', phrases: ['probe*', 'liveness', 'readiness', 'health checks'], agents: ['probes'] },
  {
    topic: 'resource limits',
    phrases: [
      'limits',
      'resource limits',
      'resource requests',
      'requests and limits',
      'cpu limits',
      'memory limits',
    ],
    agents: ['resource-limits'],
  },
  {
    topic: 'RBAC',
    phrases: ['rbac', 'role bindings', 'rolebinding*', 'clusterrole*', 'roles', 'permissions'],
    agents: ['rbac-bindings', 'rbac-roles'],
  },
  {
    topic: 'network policies',
    phrases: ['network polic*', 'networkpolic*', 'netpol*'],
    agents: ['network-policy'],
  },
  {
    topic: 'idle workloads',
    phrases: ['idle', 'unused', 'waste*', 'wasting', 'orphan*', 'scaled to zero', 'zombie*'],
    agents: ['idle-resources'],
  },
  {
    topic: 'costs',
    phrases: [
      'cost*',
      'spend*',
      'bill*',
      'money',
      'expensive',
      'budget',
      'price*',
      'pricing',
      'finops',
      'cheaper',
    ],
    categories: ['cost'],
  },
  {
    topic: 'compliance',
    phrases: [
      'compliance',
      'compliant',
      'cis',
      'pod security standards',
      'pss',
      'benchmark*',
      'policy',
      'policies',
    ],
    categories: ['compliance'],
  },
  {
    topic: 'security',
    phrases: [
      'security',
      'secure',
      'insecure',
      'vulnerab*',
      'vulns',
      'cve*',
      'privileged',
      'exposed',
      'threat*',
      'risks',
    ],
    categories: ['security'],
  },
  {
    topic: 'deployments',
    phrases: ['deployment', 'deployments', 'deploys', 'rollout*', 'roll out', 'releases', 'images'],
    categories: ['deployment'],
  },
  {
    topic: 'reliability',
    phrases: ['reliab*', 'availability', 'resilien*', 'ha', 'uptime', 'outage*', 'downtime', 'pdb*'],
    categories: ['reliability'],
  },
  {
    topic: 'observability',
    phrases: ['observab*', 'events', 'warnings', 'logs', 'monitoring', 'nodes'],
    categories: ['observability'],
  },
  {
    topic: 'everything',
    phrases: [
      'everything',
      'all agents',
      'all checks',
      'full scan',
      'full audit',
      'health',
      'healthy',
      'overall',
      'cluster',
      'whole',
    ],
    categories: ['security', 'reliability', 'deployment', 'observability', 'cost', 'compliance'],
  },
];

export const SEVERITY_WORDS: ReadonlyArray<{ severity: Severity; phrases: Phrases }> = [
  { severity: 'critical', phrases: ['critical*', 'crit', 'sev1', 'p1', 'urgent'] },
  { severity: 'high', phrases: ['high', 'high severity', 'severe', 'serious'] },
  { severity: 'medium', phrases: ['medium', 'moderate'] },
  { severity: 'low', phrases: ['low'] },
  { severity: 'info', phrases: ['info', 'informational'] },
];

/** Follow-ups that name another environment: the last intent, repeated there. */
export const ANOTHER_ENVIRONMENT: Phrases = [
  'what about',
  'how about',
  'and',
  'same for',
  'same on',
  'same in',
  'now',
  'now do',
  'do the same',
  'again',
  'also',
  'repeat',
  'try',
];
/** Follow-ups that narrow the last results to a severity ("show me the critical ones"). */
export const ONES: Phrases = ['ones', 'only', 'just', 'those', 'them', 'filter*'];
/** Follow-ups that ask to fix the last results: the matching workflow is offered. */
export const FIX: Phrases = [
  'fix*',
  'remediate*',
  'resolve*',
  'repair*',
  'sort it out',
  'clean up',
  'clean them up',
  'patch them',
];
