import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../helpers/env';

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, unknown>;
}

/** A structural check of the production topology; .ci/run also runs `docker-compose config`. */
describe('docker-compose.yml', () => {
  const compose = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
  const services = compose.services;

  it('runs PostgreSQL, Temporal on PostgreSQL, the Web UI, the API and the worker', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'temporal', 'temporal-ui', 'api', 'worker']));
    expect(services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres' });
  });

  it('builds the API and worker from the Dockerfile with the production entrypoints', () => {
    expect(services.api).toMatchObject({ build: '.', command: ['node', 'dist/api/server.js'] });
    expect(services.worker).toMatchObject({ build: '.', command: ['node', 'dist/worker/main.js'] });
    for (const entry of ['dist/api/server.js', 'dist/worker/main.js']) {
      const source = path.join(PROJECT_ROOT, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
      expect(fs.existsSync(source)).toBe(true);
    }
  });

  it('gives every long-running service a healthcheck and starts the app only when its dependencies are healthy', () => {
    for (const name of ['postgres', 'temporal', 'api', 'worker']) expect(services[name]!.healthcheck).toBeDefined();
    for (const name of ['api', 'worker']) {
      expect(services[name]!.depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        'temporal-setup': { condition: 'service_completed_successfully' },
      });
    }
  });
});
