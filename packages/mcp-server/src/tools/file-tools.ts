import * as z from 'zod';
import { lstat, readdir, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { defineTool, READ_ONLY, refuse } from './tool-def';
import { readSlice, type Slice } from '../files/read-slice';
import { atomicReplace } from '../files/atomic-replace';
import { entryIn, openApprovedDir, openSeenFile } from '../files/approved-dir';
import { approvalIdField } from './common-schemas';
import { sha256Hex } from '../approvals/approval-action';

const MAX_LIST = 1000;

function fsError(what: string, path: string, err: unknown) {
  const code = (err as NodeJS.ErrnoException).code;
  const hint = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message;
  return refuse(`Couldn't ${what} ${path}: ${hint}.`);
}

function notesOn(slice: Slice, path: string, askedOffset: number | undefined): string[] {
  if (slice.binary) return [`${path} looks binary; content not shown.`];
  if (askedOffset !== undefined && slice.offset > askedOffset) {
    return [`Offset ${askedOffset} is inside a line; the content begins at offset ${slice.offset}, the next place a page may begin.`];
  }
  return [];
}

export const readFileTool = defineTool({
  name: 'read_file',
  title: 'Read a file',
  description:
    'Reads a text file (capped; binary files are not returned; secrets redacted). A byte range begins and ends at line ' +
    'breaks, so no secret is cut in two: the result\'s `offset` says where it began; pass next_offset back to read on.',
  annotations: READ_ONLY,
  inputSchema: z
    .object({
      path: z.string().min(1).max(4096).describe('File to read'),
      offset: z.number().int().min(0).optional().describe('Byte offset to start at'),
      length: z.number().int().min(1).optional().describe('Bytes to read'),
      tail_lines: z.number().int().min(1).max(100_000).optional().describe('Only the last N lines (logs)'),
    })
    .strict(),
  outputSchema: z.object({
    path: z.string().describe('The resolved path that was read'),
    size: z.number(),
    offset: z.number().describe('Where the content begins'),
    bytes_read: z.number(),
    content: z.string(),
    binary: z.boolean(),
    truncated: z.boolean(),
    next_offset: z.number().nullable(),
  }),
  handler: async (args, ctx) => {
    if (args.tail_lines !== undefined && args.offset !== undefined) return refuse('Give either offset or tail_lines, not both.');
    const gate = await ctx.gate.path('read_file', args.path, 'read', ctx.signal);
    if (!gate.allowed) return refuse(gate.message, gate.audit);
    const path = gate.decision.path;
    let dir: FileHandle | null = null;
    let file: FileHandle | null = null;
    try {
      // Through the approved directory (approved-dir.ts): a parent swapped for a symlink after the
      // decision cannot turn this read into one of a file the policy denies.
      dir = await openApprovedDir(dirname(path));
      const name = basename(path);
      const st = await lstat(entryIn(dir, name));
      if (st.isSymbolicLink()) return refuse(`${path} changed after the policy decision: it is now a symlink; not read.`, gate.audit);
      if (st.isDirectory()) return refuse(`${path} is a directory; use list_directory.`, gate.audit);
      // A FIFO would block the read forever, a device could be endless.
      if (!st.isFile()) return refuse(`${path} is not a regular file (fifo, socket or device); not read.`, gate.audit);
      file = await openSeenFile(dir, name, st);
      const slice = await readSlice(file, {
        offset: args.offset,
        length: args.length,
        tailLines: args.tail_lines,
        maxBytes: ctx.deps.config.mcp.readFileMaxBytes,
      });
      return {
        structured: {
          path,
          size: slice.size,
          offset: slice.offset,
          bytes_read: slice.bytesRead,
          content: slice.content,
          binary: slice.binary,
          truncated: slice.truncated,
          next_offset: slice.nextOffset,
        },
        audit: gate.audit,
        notes: notesOn(slice, path, args.offset),
      };
    } catch (err) {
      return fsError('read', path, err);
    } finally {
      await file?.close();
      await dir?.close();
    }
  },
});

export const writeFileTool = defineTool({
  name: 'write_file',
  title: 'Write a file',
  description:
    'Writes a text file atomically, keeping its mode and owner. The path policy applies (the suite\'s own files cannot ' +
    "be written); some paths need the human's approval, asked in the client or on the host.",
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  inputSchema: z
    .object({
      path: z.string().min(1).max(4096).describe('File to write'),
      content: z.string().max(8_388_608).describe('The text'),
      mode: z.enum(['overwrite', 'append']).default('overwrite').describe('Replace the file or append to it'),
      backup: z.boolean().default(true).describe('Keep the previous version as PATH.bak'),
      ...approvalIdField,
    })
    .strict(),
  outputSchema: z.object({
    path: z.string(),
    bytes_written: z.number(),
    created: z.boolean(),
    backup: z.string().nullable(),
    mode: z.string().describe('Octal permissions of the written file'),
    owner_preserved: z.boolean(),
  }),
  handler: async (args, ctx) => {
    // An approval binds the path and exactly this content, mode and backup choice.
    const content = {
      subject: { content_sha256: sha256Hex(args.content), content_chars: args.content.length, mode: args.mode, backup: args.backup },
      preview: args.content.slice(0, 1000),
    };
    const gate = await ctx.gate.path('write_file', args.path, 'write', ctx.signal, content);
    if (!gate.allowed) return refuse(gate.message, gate.audit);
    const path = gate.decision.path;
    try {
      const r = await atomicReplace(path, args.content, args.mode, args.backup);
      return {
        structured: { path: r.path, bytes_written: r.bytesWritten, created: r.created, backup: r.backup, mode: r.mode, owner_preserved: r.ownerPreserved },
        audit: gate.audit,
      };
    } catch (err) {
      return refuse((err as Error).message, gate.audit);
    }
  },
});

const entrySchema = z.object({
  name: z.string(),
  type: z.enum(['file', 'directory', 'symlink', 'other']),
  size: z.number(),
  mode: z.string(),
  modified: z.string(),
});

function describeEntries(dir: FileHandle, names: string[]): Promise<Array<z.infer<typeof entrySchema>>> {
  return Promise.all(
    names.map(async (name) => {
      const st = await lstat(entryIn(dir, name)).catch(() => null);
      const type = !st ? 'other' : st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other';
      return {
        name,
        type,
        size: st?.size ?? 0,
        mode: st ? (st.mode & 0o7777).toString(8).padStart(4, '0') : '',
        modified: st ? st.mtime.toISOString() : '',
      };
    }),
  );
}

export const listDirectory = defineTool({
  name: 'list_directory',
  title: 'List a directory',
  description: `Entries of a directory with type, size, mode and modification time (at most ${MAX_LIST}).`,
  annotations: READ_ONLY,
  inputSchema: z.object({ path: z.string().min(1).max(4096).describe('Directory to list') }).strict(),
  outputSchema: z.object({ path: z.string(), entries: z.array(entrySchema), total: z.number(), truncated: z.boolean() }),
  handler: async (args, ctx) => {
    const gate = await ctx.gate.path('list_directory', args.path, 'list', ctx.signal);
    if (!gate.allowed) return refuse(gate.message, gate.audit);
    const path = gate.decision.path;
    let dir: FileHandle | null = null;
    try {
      dir = await openApprovedDir(path);
      const names = (await readdir(entryIn(dir, ''))).sort();
      const entries = await describeEntries(dir, names.slice(0, MAX_LIST));
      return { structured: { path, entries, total: names.length, truncated: names.length > MAX_LIST }, audit: gate.audit };
    } catch (err) {
      return fsError('list', path, err);
    } finally {
      await dir?.close();
    }
  },
});

export const FILE_TOOLS = [readFileTool, writeFileTool, listDirectory];
