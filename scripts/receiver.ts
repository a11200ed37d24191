import http from 'node:http';
import { Webhook } from 'standardwebhooks';

/**
 * A tiny webhook receiver for local development: `npm run receiver` (PORT 4000 by default).
 * With WEBHOOK_SECRET set (a `whsec_…` secret), every request is verified with the
 * `standardwebhooks` package exactly as a client application would.
 */
const port = Number(process.env.RECEIVER_PORT ?? process.env.PORT ?? 4000);
const secret = process.env.WEBHOOK_SECRET;
const webhook = secret ? new Webhook(secret) : undefined;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let verdict = 'not verified (set WEBHOOK_SECRET to verify)';
    if (webhook) {
      try {
        webhook.verify(body, req.headers as Record<string, string>);
        verdict = 'signature OK';
      } catch {
        verdict = 'SIGNATURE INVALID';
        res.writeHead(400).end();
        console.log(`${req.headers['webhook-id']}  ${verdict}`);
        return;
      }
    }
    const event = JSON.parse(body) as { type: string; data: { verificationId: string; sequence: number; status: string; decision?: string } };
    console.log(
      `${event.data.verificationId}  ${event.type.padEnd(38)} seq=${event.data.sequence} status=${event.data.status}` +
        `${event.data.decision ? ` decision=${event.data.decision}` : ''}  (${verdict})`,
    );
    res.writeHead(204).end();
  });
});

server.listen(port, '127.0.0.1', () => console.log(`webhook receiver listening on http://127.0.0.1:${port}/webhooks`));
