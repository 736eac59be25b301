import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The API reference's renderer (/docs on the platform): Scalar's self-contained browser bundle,
 * copied into the build as `api-reference/scalar.js`, so the platform serves it from its own
 * origin and the image ships it without Scalar's packages (the bundle needs none of them).
 */
function apiReferenceBundle(): Plugin {
  const bundle = fileURLToPath(
    new URL('./browser/standalone.js', import.meta.resolve('@scalar/api-reference')),
  );
  return {
    name: 'guardian-api-reference',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'api-reference/scalar.js', source: readFileSync(bundle) });
    },
  };
}

// The console is served by the platform under a strict Content-Security-Policy (script-src and
// style-src 'self', fonts from 'self' only): so nothing may be inlined, not even small assets as
// data: URLs, and no module-preload polyfill (every browser the console supports has it).
export default defineConfig({
  plugins: [react(), apiReferenceBundle()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
