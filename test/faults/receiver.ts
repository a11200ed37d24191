import http from 'node:http';
import type { Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { sleep } from './cluster';

/** How one receiver path answers: after `delayMs`, 2xx; or 500; or 410 Gone. */
export interface PathBehaviour {
  delayMs: number;
  status: 204 | 500 | 410;
}

export interface Receipt {
  path: string;
  webhookId: string;
  type: string;
  verificationId: string;
  sequence: number;
  at: number;
}

/**
 * The client's webhook receiver: verifies each request's signature with the `standardwebhooks`
 * package, as a client application would, answers per path as the scenario says, and records every
 * delivery it acknowledged with a 2xx the sender was still waiting for. `refuse()` closes the port
 * (connection refused) until `accept()`.
 */
export class FaultReceiver {
  readonly receipts: Receipt[] = [];
  badSignatures = 0;
  /** Requests per path that were answered with something else than 2xx (500, 410). */
  readonly refusals = new Map<string, number>();
  private readonly behaviour = new Map<string, PathBehaviour>();
  private readonly verifiers = new Map<string, Webhook>();
  private readonly sockets = new Set<Socket>();
  private server: http.Server | undefined;
  port = 0;

  url(pathName: string): string {
    return `http://127.0.0.1:${this.port}${pathName}`;
  }

  setSecret(pathName: string, secret: string): void {
    this.verifiers.set(pathName, new Webhook(secret));
  }

  set(pathName: string, behaviour: Partial<PathBehaviour>): void {
    this.behaviour.set(pathName, { ...(this.behaviour.get(pathName) ?? { delayMs: 0, status: 204 }), ...behaviour });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const pathName = req.url ?? '/';
        const body = Buffer.concat(chunks).toString('utf8');
        const verifier = this.verifiers.get(pathName);
        try {
          if (!verifier) throw new Error('no secret for this path');
          verifier.verify(body, req.headers as Record<string, string>);
        } catch {
          this.badSignatures++;
          res.writeHead(400).end();
          return;
        }
        const { delayMs, status } = this.behaviour.get(pathName) ?? { delayMs: 0, status: 204 };
        if (delayMs) await sleep(delayMs);
        if (req.socket.destroyed) return; // the sender gave up waiting: not acknowledged
        if (status !== 204) {
          this.refusals.set(pathName, (this.refusals.get(pathName) ?? 0) + 1);
          res.writeHead(status).end();
          return;
        }
        const event = JSON.parse(body) as { type: string; data: { verificationId: string; sequence: number } };
        this.receipts.push({
          path: pathName,
          webhookId: String(req.headers['webhook-id']),
          type: event.type,
          verificationId: event.data.verificationId,
          sequence: event.data.sequence,
          at: Date.now(),
        });
        res.writeHead(204).end();
      })();
    });
  }

  async accept(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 5000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Closes the port and drops open connections: the sender sees connection refused / reset. */
  async refuse(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  async close(): Promise<void> {
    await this.refuse();
  }
}
