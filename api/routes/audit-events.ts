import { Router } from 'express';
import type { Db } from '../../db';
import { listAuditEvents } from '../../db/repositories/audit';
import { requireRole } from '../auth';
import { page, parseQuery } from '../pagination';
import { auditEventsQuery } from '../schemas/reviews';
import { serializeAuditEvent } from '../serializers';

/** GET /v1/audit-events (admins): who read or decided which case, newest first, filtered and paged. */
export function auditEventsRouter({ db }: { db: Db }): Router {
  const router = Router();
  router.get('/', requireRole('admin'), async (req, res) => {
    const query = parseQuery(auditEventsQuery, req.query);
    const { items, hasMore, nextCursor } = page(await listAuditEvents(db, query), query.limit);
    res.json({ object: 'list', data: items.map(serializeAuditEvent), hasMore, nextCursor });
  });
  return router;
}
