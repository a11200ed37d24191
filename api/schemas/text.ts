import { z } from 'zod';
import { textProblem } from '../../domain/text';

/** Adds the text rule (domain/text.ts) to a string schema: NUL and undecodable text are refused. */
export function storable<S extends z.ZodString | z.ZodURL>(schema: S): S {
  return schema.check((ctx) => {
    const problem = textProblem(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  }) as S;
}

/** A string that PostgreSQL can store unchanged: every free-text field of a request uses it. */
export const text = () => storable(z.string());

/** An http(s) URL, under the same text rule. */
export const httpUrl = () => storable(z.url({ protocol: /^https?$/ })).max(2048);
