import { z } from 'zod';
import { EVENT_TYPES } from '../../domain/lifecycle';
import { httpUrl, text } from './text';

const url = httpUrl();
/** Empty or omitted: every event type. */
const eventTypes = z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length);

export const createEndpointSchema = z
  .object({
    url,
    eventTypes: eventTypes.default([]),
    description: text().max(500).optional(),
  })
  .strict();

export const updateEndpointSchema = z
  .object({
    url: url.optional(),
    eventTypes: eventTypes.optional(),
    description: text().max(500).nullable().optional(),
    enabled: z.boolean().optional(),
    status: z.enum(['enabled', 'disabled']).optional(),
  })
  .strict();

export const rotateSecretSchema = z
  .object({
    /** How long the old secret keeps signing (default 24 h, at most 7 days). */
    gracePeriodSeconds: z.number().int().min(0).max(7 * 24 * 3600).default(24 * 3600),
  })
  .strict();

export const resendSchema = z
  .object({
    /** Resend to this endpoint only; by default to every target the event was delivered to. */
    endpointId: text().max(64).optional(),
  })
  .strict();
