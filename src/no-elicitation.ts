/**
 * The SDK's Server checks what a user enters in answer to an elicitation against the requested JSON
 * Schema, with Ajv unless it is given another validator. Ajv and its formats came to 190 KB of the
 * bundle, read and compiled at every start. This server never asks the user for input, so it passes
 * a validator that accepts nothing, and the build puts this module where the SDK imports its Ajv
 * provider (scripts/build.mjs), which leaves Ajv out of the bundle.
 */
import type { JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';

export const NO_ELICITATION = 'dbs-backup-mcp does not ask the user for input';

export class NoElicitationValidator implements jsonSchemaValidator {
  getValidator<T>(): JsonSchemaValidator<T> {
    return () => ({ valid: false, data: undefined, errorMessage: NO_ELICITATION });
  }
}

/** The name the SDK imports from its Ajv provider, for the build's substitution. */
export { NoElicitationValidator as AjvJsonSchemaValidator };
