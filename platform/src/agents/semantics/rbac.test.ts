import { describe, expect, it } from 'vitest';
import { granted, hasWildcard, ruleGrants } from './rbac.ts';

describe('ruleGrants', () => {
  it('needs the verb, the group and the resource, each named or *', () => {
    const rule = { apiGroups: [''], resources: ['secrets'], verbs: ['get'] };
    expect(ruleGrants(rule, 'get', '', 'secrets')).toBe(true);
    expect(ruleGrants(rule, 'list', '', 'secrets')).toBe(false);
    expect(ruleGrants(rule, 'get', 'apps', 'secrets')).toBe(false);
    expect(ruleGrants(rule, 'get', '', 'configmaps')).toBe(false);
    expect(
      ruleGrants(
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        'bind',
        'rbac.authorization.k8s.io',
        'roles',
      ),
    ).toBe(true);
  });

  it('covers a subresource by *, or by p/*, never by the parent resource', () => {
    const grants = (resources: string[]) =>
      ruleGrants({ apiGroups: [''], resources, verbs: ['create'] }, 'create', '', 'pods/exec');
    expect(grants(['pods/exec'])).toBe(true);
    expect(grants(['*'])).toBe(true);
    expect(grants(['pods/*'])).toBe(true);
    expect(grants(['pods'])).toBe(false);
    expect(grants(['pods/attach'])).toBe(false);
  });

  it('ignores resourceNames, and grants nothing through nonResourceURLs', () => {
    expect(
      ruleGrants(
        { apiGroups: [''], resources: ['secrets'], resourceNames: ['tls'], verbs: ['get'] },
        'get',
        '',
        'secrets',
      ),
    ).toBe(true);
    expect(ruleGrants({ nonResourceURLs: ['*'], verbs: ['*'] }, 'get', '', 'secrets')).toBe(false);
  });
});

describe('granted', () => {
  it('lists each verb and resource of the grant some rule gives', () => {
    const rules = [
      { apiGroups: [''], resources: ['secrets'], verbs: ['list'] },
      { apiGroups: [''], resources: ['*'], verbs: ['watch'] },
    ];
    expect(granted(rules, { verbs: ['get', 'list', 'watch'], group: '', resources: ['secrets'] })).toEqual([
      'list secrets',
      'watch secrets',
    ]);
  });
});

describe('hasWildcard', () => {
  it('looks for * as an element of verbs, resources or apiGroups', () => {
    expect(hasWildcard({ apiGroups: ['*'], resources: ['pods'], verbs: ['get'] })).toBe(true);
    expect(hasWildcard({ apiGroups: [''], resources: ['pods/*'], verbs: ['get'] })).toBe(false);
  });
});
