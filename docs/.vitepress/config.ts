import { defineConfig } from 'vitepress';

// The documentation site: `make docs` builds it into docs/.vitepress/dist, `make docs-dev` serves it
// on loopback. Pages are plain Markdown that also reads well on a forge; the test in
// scripts/docs-links.test.ts checks that every link and anchor between them resolves.
export default defineConfig({
  title: 'Guardian',
  description: 'A self-hostable, multi-tenant AI-Ops platform for Kubernetes',
  cleanUrls: true,
  lastUpdated: false,
  // Nothing is fetched from elsewhere at run time: the site works where installs have no internet.
  head: [['link', { rel: 'icon', href: 'data:,' }]],
  themeConfig: {
    search: { provider: 'local' },
    outline: [2, 3],
    nav: [
      { text: 'Install', link: '/install/' },
      { text: 'Concepts', link: '/concepts/tenancy' },
      { text: 'Operations', link: '/operations/backups' },
      { text: 'Security', link: '/security/' },
      { text: 'Reference', link: '/reference/api' },
    ],
    sidebar: [
      {
        text: 'Getting started',
        items: [
          { text: 'What Guardian is', link: '/' },
          { text: 'Quick start', link: '/guide/quick-start' },
          { text: 'AI tools over MCP', link: '/guide/mcp' },
          { text: 'The guardian CLI', link: '/guide/cli' },
          { text: 'CI pipelines', link: '/guide/ci' },
        ],
      },
      {
        text: 'Installing',
        items: [
          { text: 'Installing on a cluster', link: '/install/' },
          { text: 'Single sign-on (OIDC)', link: '/install/sso' },
          { text: 'The first organization', link: '/install/first-organization' },
        ],
      },
      {
        text: 'Concepts',
        items: [
          { text: 'Tenancy', link: '/concepts/tenancy' },
          { text: 'Plans and quotas', link: '/concepts/plans' },
          { text: 'Roles, tokens and API keys', link: '/concepts/roles' },
          { text: 'Agents', link: '/concepts/agents' },
          { text: 'Workflows and approvals', link: '/concepts/workflows' },
          { text: 'Chat', link: '/concepts/chat' },
          { text: 'Webhooks', link: '/concepts/webhooks' },
          { text: 'Analytics', link: '/concepts/analytics' },
          { text: 'The web console', link: '/concepts/console' },
        ],
      },
      {
        text: 'Operations',
        items: [
          { text: 'Backups and restore', link: '/operations/backups' },
          { text: 'Upgrading', link: '/operations/upgrades' },
          { text: 'Monitoring', link: '/operations/monitoring' },
          { text: 'Scaling and several installs', link: '/operations/scaling' },
          { text: 'The audit trail', link: '/operations/audit' },
          { text: 'SaaS figures', link: '/operations/saas-metrics' },
          { text: 'Troubleshooting', link: '/troubleshooting' },
        ],
      },
      {
        text: 'Security',
        items: [{ text: 'Threat model and identities', link: '/security/' }],
      },
      {
        text: 'Reference',
        items: [
          { text: 'The API', link: '/reference/api' },
          { text: 'Tenant endpoints', link: '/reference/tenant-api' },
          { text: 'Platform settings', link: '/reference/platform' },
          { text: 'Operator settings', link: '/reference/operator' },
          { text: 'Agent reference', link: '/reference/agents' },
        ],
      },
      {
        text: 'Development',
        items: [
          { text: 'The local stack', link: '/development/local-stack' },
          { text: 'Tests', link: '/development/tests' },
          { text: 'Layout', link: '/development/layout' },
          { text: 'Benchmarks', link: '/development/benchmarks' },
        ],
      },
    ],
  },
});
