import * as z from 'zod';
import { AlertSchema } from './alert-schema';

/**
 * The part of state.json a briefing reads, for DocumentStore.readPart: the alerts it lists, the
 * boot check and healthcheck records it reads loosely, and the digests it checks itself.
 */
export const BriefingStateSchema = z.looseObject({
  alerts: z.array(AlertSchema).default([]),
  lastBoot: z.unknown().optional(),
  hostFacts: z.unknown().optional(),
  healthcheck: z.unknown().optional(),
  digests: z.unknown().optional(),
});

export type BriefingState = z.infer<typeof BriefingStateSchema>;
