/**
 * The pure part of `npm run docs`: renders the tools as `tools/list` declares them (JSON Schema, as the
 * SDK derives it from the zod schemas) into the Markdown of docs/tool-reference.md.
 */

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
}

export interface ToolListing {
  name: string;
  title?: string;
  description?: string;
  inputSchema: JsonSchema;
  outputSchema?: JsonSchema;
  annotations?: Record<string, unknown>;
}

export interface ToolExample {
  tool: string;
  title: string;
  args: Record<string, unknown>;
  text: string;
}

// zod writes these bounds for every int(); they say nothing a reader needs.
const SAFE_INTEGER_BOUND = Number.MAX_SAFE_INTEGER;

const code = (value: string): string => `\`${value.replaceAll('`', "'")}\``;
/** A table cell: no line breaks, and a literal pipe escaped. */
const cell = (value: string): string => value.replace(/\s*\n\s*/g, ' ').replaceAll('|', '\\|');

function variants(schema: JsonSchema): JsonSchema[] | undefined {
  return schema.anyOf ?? schema.oneOf;
}

/** The type as a reader says it: `string`, `integer`, `array of string`, `integer or null`. */
export function describeType(schema: JsonSchema): string {
  const alternatives = variants(schema);
  if (alternatives !== undefined) return [...new Set(alternatives.map(describeType))].join(' or ');
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length === 0) return schema.const !== undefined ? typeof schema.const : 'any';
  return types
    .map((type) => {
      if (type === 'array') return schema.items === undefined ? 'array' : `array of ${describeType(schema.items)}`;
      if (type === 'object' && schema.properties === undefined && typeof schema.additionalProperties === 'object') {
        return `map of ${describeType(schema.additionalProperties)}`;
      }
      return type;
    })
    .join(' or ');
}

function range(min: number | undefined, max: number | undefined, unit: string): string | undefined {
  const low = min === undefined || min <= -SAFE_INTEGER_BOUND ? undefined : min;
  const high = max === undefined || max >= SAFE_INTEGER_BOUND ? undefined : max;
  if (low !== undefined && high !== undefined) return low === high ? `exactly ${low}${unit}` : `${low} to ${high}${unit}`;
  if (low !== undefined) return `at least ${low}${unit}`;
  if (high !== undefined) return `at most ${high}${unit}`;
  return undefined;
}

/** What values are accepted: enumerations, ranges, lengths, counts and patterns, items included. */
export function describeAllowed(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.enum !== undefined) parts.push(`one of ${schema.enum.map((v) => code(JSON.stringify(v))).join(', ')}`);
  if (schema.const !== undefined) parts.push(`exactly ${code(JSON.stringify(schema.const))}`);
  const number = range(schema.exclusiveMinimum ?? schema.minimum, schema.exclusiveMaximum ?? schema.maximum, '');
  if (number !== undefined) parts.push(schema.exclusiveMinimum !== undefined || schema.exclusiveMaximum !== undefined ? `${number} (exclusive)` : number);
  const length = range(schema.minLength, schema.maxLength, ' characters');
  if (length !== undefined) parts.push(length);
  const count = range(schema.minItems, schema.maxItems, ' items');
  if (count !== undefined) parts.push(count);
  if (schema.pattern !== undefined) parts.push(`matching ${code(schema.pattern)}`);
  const itemRule = schema.items === undefined ? '' : describeAllowed(schema.items);
  if (itemRule !== '') parts.push(`each ${itemRule}`);
  for (const alternative of variants(schema) ?? []) {
    const rule = describeAllowed(alternative);
    if (rule !== '') parts.push(rule);
  }
  return parts.join('; ');
}

/** One row per argument: name, type, default (or "required"), allowed values, meaning. */
export function renderArguments(schema: JsonSchema): string {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return 'No arguments.\n';
  const required = new Set(schema.required ?? []);
  const rows = properties.map(([name, property]) => {
    const fallback = property.default !== undefined ? code(JSON.stringify(property.default)) : required.has(name) ? 'required' : '';
    return `| ${code(name)} | ${cell(describeType(property))} | ${cell(fallback)} | ${cell(describeAllowed(property))} | ${cell(property.description ?? '')} |`;
  });
  return ['| Argument | Type | Default | Allowed | Meaning |', '| --- | --- | --- | --- | --- |', ...rows, ''].join('\n');
}

/** The object schema a field holds directly, or through an array or a nullable union. */
function objectWithin(schema: JsonSchema): { object: JsonSchema; suffix: string } | undefined {
  if (schema.properties !== undefined) return { object: schema, suffix: '' };
  if (schema.items !== undefined) {
    const inner = objectWithin(schema.items);
    return inner && { object: inner.object, suffix: `[]${inner.suffix}` };
  }
  for (const alternative of variants(schema) ?? []) {
    const inner = objectWithin(alternative);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** Every field of the output, nested ones as dotted paths (`tasks[].state`), in declaration order. */
export function outputFields(schema: JsonSchema, prefix = ''): { path: string; schema: JsonSchema; required: boolean }[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    const path = `${prefix}${name}`;
    const field = { path, schema: property, required: required.has(name) };
    const inner = objectWithin(property);
    return inner === undefined ? [field] : [field, ...outputFields(inner.object, `${path}${inner.suffix}.`)];
  });
}

export function renderOutput(schema: JsonSchema | undefined): string {
  if (schema === undefined) return 'No `outputSchema`: the result is text only.\n';
  const rows = outputFields(schema).map(({ path, schema: field, required }) => {
    const type = objectWithin(field) === undefined ? describeType(field) : describeType(field).replace(/object/, 'object (fields below)');
    return `| ${code(path)} | ${cell(type)}${required ? '' : ' (optional)'} | ${cell(describeAllowed(field))} | ${cell(field.description ?? '')} |`;
  });
  return ['| Field | Type | Allowed | Meaning |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

function renderTool(tool: ToolListing, examples: ToolExample[]): string {
  const hints = Object.entries(tool.annotations ?? {})
    .filter(([key, value]) => key.endsWith('Hint') && typeof value === 'boolean')
    .map(([key, value]) => `${key}: ${String(value)}`);
  const parts = [`## ${code(tool.name)}${tool.title ? `: ${tool.title}` : ''}`, ''];
  if (tool.description) parts.push(tool.description.trim(), '');
  if (hints.length > 0) parts.push(`Annotations: ${hints.join(', ')}.`, '');
  parts.push('### Arguments', '', renderArguments(tool.inputSchema), '### Output (`structuredContent`)', '', renderOutput(tool.outputSchema));
  for (const example of examples) {
    parts.push(`### Example: ${example.title}`, '', `Arguments: ${code(JSON.stringify(example.args))}`, '', '```text', example.text.trimEnd(), '```', '');
  }
  return parts.join('\n');
}

/** The whole generated file: a header saying how it is made, then every tool in the order served. */
export function renderReference(tools: ToolListing[], examples: ToolExample[], header: string): string {
  const sections = tools.map((tool) =>
    renderTool(
      tool,
      examples.filter((example) => example.tool === tool.name),
    ),
  );
  return `${[header.trimEnd(), '', ...sections].join('\n').trimEnd()}\n`;
}
