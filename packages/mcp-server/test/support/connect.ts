import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { createServer, type CreatedServer } from '../../src/server/create-server';
import type { ServerDeps } from '../../src/server/deps';

export interface Connected {
  client: Client;
  created: CreatedServer;
  elicitations: unknown[];
  close: () => Promise<void>;
}

/** The server in-process, driven by a real SDK Client over an in-memory transport. */
export async function connect(deps: ServerDeps, options: { elicit?: (req: unknown) => ElicitResult } = {}): Promise<Connected> {
  const created = await createServer(deps);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client(
    { name: 'test-client', version: '1.0.0' },
    { capabilities: options.elicit ? { elicitation: { form: {} } } : {} },
  );
  const elicitations: unknown[] = [];
  if (options.elicit) {
    const answer = options.elicit;
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      elicitations.push(req.params);
      return answer(req.params);
    });
  }
  await created.server.connect(serverSide);
  await client.connect(clientSide);
  return {
    client,
    created,
    elicitations,
    close: async () => {
      await client.close();
      await created.server.close();
      deps.jobs.disposeAll();
    },
  };
}
