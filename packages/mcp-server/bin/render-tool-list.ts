// Prints tools/list for every built-in tool, as the MCP SDK renders it from the zod schemas.
// build.mjs runs this and bakes the output into ldm-mcp-server, so answering tools/list needs
// neither the 42 schemas nor their JSON Schema conversion at start.
import { ALL_TOOLS } from '../src/tools/all-tools';
import { renderToolList } from '../src/server/tool-runtime';

process.stdout.write(JSON.stringify(await renderToolList(ALL_TOOLS)));
