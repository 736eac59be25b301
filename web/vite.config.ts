import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the platform under a strict Content-Security-Policy (script-src and
// style-src 'self', fonts from 'self' only): so nothing may be inlined, not even small assets as
// data: URLs, and no module-preload polyfill (every browser the console supports has it).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
