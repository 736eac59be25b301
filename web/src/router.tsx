import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
} from '@tanstack/react-router';
import { isApiError } from './api/errors.ts';
import {
  defaultOrganization,
  membersQuery,
  meQuery,
  organizationQuery,
  organizationsQuery,
  teamsQuery,
  usageQuery,
} from './api/queries.ts';
import { tokens } from './api/session.ts';
import { Root } from './routes/root.tsx';
import { RouteError } from './routes/route-error.tsx';

export interface RouterContext {
  queryClient: QueryClient;
}

export interface LoginSearch {
  /** The organization to sign in to (prefilled). */
  org?: string;
  /** The console page to return to afterwards. */
  next?: string;
  /** Why the person is here. */
  reason?: 'signed-out';
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

// Each page is its own chunk, loaded when first visited: the first load carries only the shell.
const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Root,
  notFoundComponent: lazyRouteComponent(() => import('./routes/not-found.tsx'), 'NotFoundPage'),
});

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (search: Record<string, unknown>): LoginSearch => ({
    org: text(search.org),
    next: text(search.next),
    reason: search.reason === 'signed-out' ? 'signed-out' : undefined,
  }),
  component: lazyRouteComponent(() => import('./routes/login.tsx'), 'LoginPage'),
});

/** Every page but the login: a session is needed; without one, the login, then back here. */
const signedInRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'signed-in',
  beforeLoad: async ({ location }) => {
    try {
      await tokens.get();
    } catch (error) {
      if (isApiError(error, 'unauthenticated')) {
        throw redirect({ to: '/login', search: { next: location.href } });
      }
      throw error;
    }
  },
  // Asked for while the page's code loads (not awaited: a refusal is the page's to show).
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(meQuery);
    void context.queryClient.prefetchQuery(organizationsQuery);
  },
  component: lazyRouteComponent(() => import('./routes/signed-in.tsx'), 'SignedInLayout'),
  errorComponent: RouteError,
});

/** `/`: the organization signed in to, or the only one; else a choice of them. */
const homeRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/',
  beforeLoad: async ({ context }) => {
    const me = await context.queryClient.ensureQueryData(meQuery);
    const org = defaultOrganization(me.tenant_context);
    if (org) throw redirect({ to: '/o/$org', params: { org }, replace: true });
  },
  component: lazyRouteComponent(() => import('./routes/home.tsx'), 'HomePage'),
});

const dashboardRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/o/$org',
  loader: ({ context: { queryClient }, params: { org } }) => {
    void queryClient.prefetchQuery(organizationQuery(org));
    void queryClient.prefetchQuery(usageQuery(org));
    void queryClient.prefetchQuery(membersQuery(org));
    void queryClient.prefetchQuery(teamsQuery(org));
  },
  component: lazyRouteComponent(() => import('./routes/dashboard.tsx'), 'DashboardPage'),
});

const workflowsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/o/$org/workflows',
  component: lazyRouteComponent(() => import('./routes/workflows.tsx'), 'WorkflowsPage'),
});

const workflowRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/o/$org/workflows/$id',
  component: lazyRouteComponent(() => import('./routes/workflow.tsx'), 'WorkflowPage'),
});

const approvalsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/o/$org/approvals',
  component: lazyRouteComponent(() => import('./routes/approvals.tsx'), 'ApprovalsPage'),
});

const agentsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/o/$org/agents',
  component: lazyRouteComponent(() => import('./routes/agents.tsx'), 'AgentsPage'),
});

const findingsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/o/$org/findings',
  component: lazyRouteComponent(() => import('./routes/findings.tsx'), 'FindingsPage'),
});

const analyticsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/o/$org/analytics',
  component: lazyRouteComponent(() => import('./routes/analytics.tsx'), 'AnalyticsPage'),
});

const costRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/o/$org/cost',
  component: lazyRouteComponent(() => import('./routes/cost.tsx'), 'CostPage'),
});

const chatRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/o/$org/chat',
  component: lazyRouteComponent(() => import('./routes/chat.tsx'), 'ChatPage'),
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  signedInRoute.addChildren([
    homeRoute,
    dashboardRoute,
    workflowsRoute,
    workflowRoute,
    approvalsRoute,
    agentsRoute,
    findingsRoute,
    analyticsRoute,
    costRoute,
    chatRoute,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultErrorComponent: RouteError,
    defaultPendingMs: 300,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
