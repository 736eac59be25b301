// Preloaded into a child process (`node --import <this file>`): records the npm packages it
// loads, and writes their names, one a line, to LOADED_PACKAGES_FILE when it exits. Workspace
// packages resolve to their own folders, not node_modules, so only third-party ones are listed.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const packages = new Set<string>();

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    const name = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(resolved.url)?.[1];
    if (name) packages.add(name);
    return resolved;
  },
});

process.on('exit', () => {
  const file = process.env.LOADED_PACKAGES_FILE;
  if (file) writeFileSync(file, [...packages].sort().join('\n'));
});
