// What a refused call threw: the FacetsError, or its message when it must be a USAGE error.
import { FacetsError } from '../../src/core/errors';

export function refusal(fn: () => unknown): FacetsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FacetsError);
    return e as FacetsError;
  }
  throw new Error('it was accepted');
}

export function usageMessage(fn: () => unknown): string {
  const error = refusal(fn);
  expect(error.kind).toBe('USAGE');
  return error.message;
}
