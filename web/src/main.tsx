import '@fontsource-variable/inter';
import './theme/tokens.css';
import './theme/base.css';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { isApiError } from './api/errors.ts';
import { tokens } from './api/session.ts';
import { createAppRouter } from './router.tsx';

// Server state lives in TanStack Query only. Refusals are answers, not glitches: only a missing
// or failed answer (network, 5xx) is asked again, twice. Routes' loaders ask for their data while
// the page's code loads; a refusal they met is shown, not asked again when the page mounts.
const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      retryOnMount: false,
      retry: (failures, error) =>
        failures < 2 && isApiError(error) && ['network', 'server', 'unavailable'].includes(error.kind),
    },
  },
});
const router = createAppRouter(queryClient);
// The session's token is asked for at once, while the router starts (its failure is the login's to handle).
if (window.location.pathname !== '/login') tokens.get().catch(() => undefined);

const container = document.getElementById('root');
if (!container) throw new Error('The page has no #root element');
createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
