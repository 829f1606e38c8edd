// Everything a tool call needs, behind one dynamic import: the build turns it into one lazily
// loaded chunk, so starting the server (initialize, tools/list) loads none of it and the start
// path stays a few files rather than one per combination of lazy parts.
export { ToolRuntime } from './tool-runtime';
export { ALL_TOOLS } from '../tools/all-tools';
export { decideCommand, decideHostCommand, decidePath, resolvePathForPolicy, IncidentEngine, openSandbox, readHostActions } from '@ldm/core';
