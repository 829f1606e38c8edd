import * as z from 'zod';

/** The `policy` section of the config. Only the human edits it: the suite's own config file is denied to the model. */
export const PolicyConfigSchema = z.strictObject({
  mode: z.enum(['standard', 'read-only', 'unrestricted']).default('standard'),
  deny: z.array(z.string()).default([]),
  allow: z.array(z.string()).default([]),
  confirm: z.array(z.string()).default([]),
  paths: z
    .strictObject({
      allow: z.array(z.string()).default(['/']),
      deny: z.array(z.string()).default([]),
    })
    .prefault({}),
});

export type PolicyConfig = z.infer<typeof PolicyConfigSchema>;
