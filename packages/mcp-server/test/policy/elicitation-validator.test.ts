import { describe, test, expect } from '@jest/globals';
import { formProblem, flatFormValidator } from '../../src/policy/elicitation-validator';

const confirmForm = {
  type: 'object' as const,
  properties: { approve: { type: 'boolean', title: 'Approve this exact action', default: false } },
  required: ['approve'],
};

describe('the elicitation form validator', () => {
  test('accepts exactly the answers the confirmation form allows', () => {
    expect(formProblem(confirmForm, { approve: true })).toBeNull();
    expect(formProblem(confirmForm, { approve: false })).toBeNull();
    const ok = flatFormValidator.getValidator(confirmForm)({ approve: true });
    expect(ok).toEqual({ valid: true, data: { approve: true }, errorMessage: undefined });
  });

  test.each([
    [{ approve: 'yes' }, 'approve must be a boolean'],
    [{ approve: 1 }, 'approve must be a boolean'],
    [{}, 'approve is required'],
    [{ approve: true, extra: 1 }, 'extra is not a field of the form'],
    [null, 'the answer is not an object'],
    [[true], 'the answer is not an object'],
    ['approve', 'the answer is not an object'],
  ])('refuses %j: %s', (answer, problem) => {
    expect(formProblem(confirmForm, answer)).toBe(problem);
    expect(flatFormValidator.getValidator(confirmForm)(answer)).toEqual({ valid: false, data: undefined, errorMessage: problem });
  });

  test('checks strings, numbers, integers and enums of the MCP form subset', () => {
    const form = {
      type: 'object' as const,
      properties: {
        reason: { type: 'string', minLength: 2, maxLength: 5 },
        count: { type: 'integer', minimum: 1, maximum: 3 },
        ratio: { type: 'number', maximum: 1 },
        level: { type: 'string', enum: ['low', 'high'] },
      },
    };
    expect(formProblem(form, { reason: 'ok', count: 2, ratio: 0.5, level: 'low' })).toBeNull();
    expect(formProblem(form, { reason: 'x' })).toBe('reason is shorter than 2');
    expect(formProblem(form, { reason: 'toolong' })).toBe('reason is longer than 5');
    expect(formProblem(form, { count: 1.5 })).toBe('count must be an integer');
    expect(formProblem(form, { count: 0 })).toBe('count is below 1');
    expect(formProblem(form, { ratio: Number.NaN })).toBe('ratio must be a number');
    expect(formProblem(form, { ratio: 2 })).toBe('ratio is above 1');
    expect(formProblem(form, { level: 'mid' })).toBe('level must be one of ["low","high"]');
  });

  test('a schema outside the flat subset is refused, not waved through', () => {
    expect(formProblem({ type: 'array' } as never, [])).toBe('the form schema is not a flat object');
    const nested = { type: 'object' as const, properties: { inner: { type: 'object' } } };
    expect(formProblem(nested, { inner: {} })).toMatch(/inner has a type this server does not ask for/);
  });
});
