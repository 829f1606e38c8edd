import * as z from 'zod';

/** A file's identity: a rename by any writer gives a new inode or mtime. */
export const FileStampSchema = z.object({ ino: z.number(), size: z.number(), mtimeMs: z.number() });
export type FileStamp = z.infer<typeof FileStampSchema>;

export function sameStamp(a: FileStamp | null, b: FileStamp | null): boolean {
  return a === null || b === null ? a === b : a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}
