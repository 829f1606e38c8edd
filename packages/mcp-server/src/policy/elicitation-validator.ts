import type { jsonSchemaValidator, JsonSchemaType, JsonSchemaValidatorResult } from '@modelcontextprotocol/sdk/validation/types.js';

// The SDK checks a client's answer to an elicitation against the form's requestedSchema. By
// default it builds an Ajv instance with every format for each server (measured: 3.4 ms and
// ~0.3 MB per McpServer, paid at every start and every HTTP session) to check one form this
// server writes itself. MCP restricts forms to a flat object of primitive fields, so that subset
// is checked here, exactly; a schema outside it is refused rather than waved through.

type Field = { type?: unknown; enum?: unknown; minLength?: unknown; maxLength?: unknown; minimum?: unknown; maximum?: unknown };

function fieldProblem(name: string, field: Field, value: unknown): string | null {
  const is = (t: string) => field.type === t;
  if (Array.isArray(field.enum) && !field.enum.includes(value)) return `${name} must be one of ${JSON.stringify(field.enum)}`;
  if (is('boolean')) return typeof value === 'boolean' ? null : `${name} must be a boolean`;
  if (is('string')) {
    if (typeof value !== 'string') return `${name} must be a string`;
    if (typeof field.minLength === 'number' && value.length < field.minLength) return `${name} is shorter than ${field.minLength}`;
    if (typeof field.maxLength === 'number' && value.length > field.maxLength) return `${name} is longer than ${field.maxLength}`;
    return null;
  }
  if (is('number') || is('integer')) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} must be a number`;
    if (is('integer') && !Number.isInteger(value)) return `${name} must be an integer`;
    if (typeof field.minimum === 'number' && value < field.minimum) return `${name} is below ${field.minimum}`;
    if (typeof field.maximum === 'number' && value > field.maximum) return `${name} is above ${field.maximum}`;
    return null;
  }
  return `${name} has a type this server does not ask for (${JSON.stringify(field.type)})`;
}

/** Pure: why `input` does not match the flat form `schema`, or null when it does. */
export function formProblem(schema: JsonSchemaType, input: unknown): string | null {
  const s = schema as { type?: unknown; properties?: Record<string, Field>; required?: unknown };
  if (s.type !== 'object' || !s.properties || typeof s.properties !== 'object') return 'the form schema is not a flat object';
  if (!input || typeof input !== 'object' || Array.isArray(input)) return 'the answer is not an object';
  const answer = input as Record<string, unknown>;
  for (const name of Object.keys(answer)) if (!Object.hasOwn(s.properties, name)) return `${name} is not a field of the form`;
  const required = Array.isArray(s.required) ? s.required : [];
  for (const name of required) if (!Object.hasOwn(answer, name)) return `${String(name)} is required`;
  for (const [name, field] of Object.entries(s.properties)) {
    if (!Object.hasOwn(answer, name)) continue;
    const problem = fieldProblem(name, field, answer[name]);
    if (problem) return problem;
  }
  return null;
}

export const flatFormValidator: jsonSchemaValidator = {
  getValidator<T>(schema: JsonSchemaType) {
    return (input: unknown): JsonSchemaValidatorResult<T> => {
      const problem = formProblem(schema, input);
      return problem === null ? { valid: true, data: input as T, errorMessage: undefined } : { valid: false, data: undefined, errorMessage: problem };
    };
  },
};
