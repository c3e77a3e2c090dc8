import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import {
  describeAllowed,
  describeType,
  outputFields,
  renderArguments,
  renderOutput,
  renderReference,
  type JsonSchema,
  type ToolListing,
} from '../../scripts/docs/reference.js';
import { fakeClient } from '../helpers/fake-client.js';
import { setup } from '../helpers/in-memory.js';

const schema = (shape: z.ZodRawShape): JsonSchema => z.toJSONSchema(z.object(shape), { io: 'input' }) as JsonSchema;

describe('describeType and describeAllowed', () => {
  it.each([
    [
      'string',
      'at most 64 characters; matching `^[a-z]+$`',
      z
        .string()
        .max(64)
        .regex(/^[a-z]+$/),
    ],
    ['integer', '1 to 100', z.number().int().min(1).max(100)],
    ['integer', '', z.number().int()],
    ['number', 'one of `30`, `50`, `100`', z.literal([30, 50, 100])],
    [
      'array of string',
      '1 to 2 items; each one of `"a"`, `"b"`',
      z
        .array(z.enum(['a', 'b']))
        .min(1)
        .max(2),
    ],
    ['string', 'exactly 3 characters', z.string().min(3).max(3)],
    ['integer or null', '', z.number().int().nullable()],
    ['map of number', '', z.record(z.string(), z.number())],
    ['boolean', '', z.boolean()],
  ])('%s, %s', (type, allowed, zod) => {
    const json = z.toJSONSchema(zod) as JsonSchema;
    expect(describeType(json)).toBe(type);
    expect(describeAllowed(json)).toBe(allowed);
  });
});

describe('renderArguments', () => {
  it('renders one row per argument with type, default or required, allowed values and meaning', () => {
    const input = schema({
      planId: z.string().max(64).describe('Backup plan ID | or none'),
      limit: z.number().int().min(1).max(1000).default(100).describe('Most listed\nat once'),
      states: z.array(z.enum(['ok', 'bad'])).default([]),
    });
    expect(renderArguments(input)).toBe(
      [
        '| Argument | Type | Default | Allowed | Meaning |',
        '| --- | --- | --- | --- | --- |',
        '| `planId` | string | required | at most 64 characters | Backup plan ID \\| or none |',
        '| `limit` | integer | `100` | 1 to 1000 | Most listed at once |',
        '| `states` | array of string | `[]` | each one of `"ok"`, `"bad"` |  |',
        '',
      ].join('\n'),
    );
  });

  it('says so when there are no arguments', () => {
    expect(renderArguments(schema({}))).toBe('No arguments.\n');
  });
});

describe('outputFields and renderOutput', () => {
  it('lists nested fields as dotted paths, through arrays and nullable objects', () => {
    const output = z.toJSONSchema(
      z.object({
        page: z.object({ pageNum: z.number().int() }),
        tasks: z.array(z.object({ taskId: z.string(), size: z.number().nullable() })),
        next: z.object({ pageNum: z.number() }).nullable(),
        note: z.string().optional().describe('Why'),
      }),
    ) as JsonSchema;
    expect(outputFields(output).map((field) => `${field.path}${field.required ? '' : '?'}`)).toEqual([
      'page',
      'page.pageNum',
      'tasks',
      'tasks[].taskId',
      'tasks[].size',
      'next',
      'next.pageNum',
      'note?',
    ]);
    const table = renderOutput(output);
    expect(table).toContain('| `tasks` | array of object (fields below) |  |  |');
    expect(table).toContain('| `tasks[].size` | number or null |  |  |');
    expect(table).toContain('| `note` | string (optional) |  | Why |');
  });
});

describe('the reference of the served tools', () => {
  it('names every argument and every output field of every tool, with its examples', async () => {
    const connection = await setup(fakeClient([]));
    try {
      const { tools } = await connection.mcp.listTools();
      expect(tools.length).toBeGreaterThan(0);
      const examples = tools.map((tool) => ({ tool: tool.name, title: `a call of ${tool.name}`, args: { x: 1 }, text: `text of ${tool.name}\n` }));
      const reference = renderReference(tools as ToolListing[], examples, '# Tools');
      expect(reference.startsWith('# Tools\n\n## `')).toBe(true);
      for (const tool of tools as ToolListing[]) {
        const section = reference.slice(reference.indexOf(`## \`${tool.name}\``)).split(/\n## /)[0]!;
        for (const name of Object.keys(tool.inputSchema.properties ?? {})) expect(section).toContain(`| \`${name}\` |`);
        for (const field of outputFields(tool.outputSchema ?? {})) expect(section).toContain(`| \`${field.path}\` |`);
        expect(section).toContain(`### Example: a call of ${tool.name}\n\nArguments: \`{"x":1}\`\n\n\`\`\`text\ntext of ${tool.name}\n\`\`\``);
      }
    } finally {
      await connection.close();
    }
  });
});
