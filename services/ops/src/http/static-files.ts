import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** The console's files: plain HTML, CSS and ES modules, no build step. Resolved from src/ and dist/ alike. */
const CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

const FILES: Record<string, string> = {
  '/': 'index.html',
  '/console/console.css': 'console.css',
  '/console/console.js': 'console.js',
  '/console/render.js': 'render.js',
  '/console/trace-view.js': 'trace-view.js',
  '/console/api.js': 'api.js',
  '/console/actions-api.js': 'actions-api.js',
  '/console/supervise.js': 'supervise.js',
  '/console/staffing.js': 'staffing.js',
  '/console/staffing.css': 'staffing.css',
  '/agent': 'agent.html',
  '/console/agent-page.js': 'agent-page.js',
  '/console/perf-charts.js': 'perf-charts.js',
  '/console/qa-review.js': 'qa-review.js',
};

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };

/** Serves the console (a fixed list of files, so no path from a request ever reaches the file system). */
export function registerConsole(app: FastifyInstance): void {
  for (const [route, file] of Object.entries(FILES)) {
    app.get(route, async (_request, reply) => {
      const body = await readFile(CONSOLE_DIR + file);
      const type = TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream';
      return reply.header('content-type', type).header('cache-control', 'no-cache').send(body);
    });
  }
}
