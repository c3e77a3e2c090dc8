/** The shell commands of the README, as its tests and the client runs (test/clients) read them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The shell lines of a markdown file's sh blocks, continuation lines joined. */
export function shellCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .filter((line) => line.trim() !== ''),
  );
}

/** Splits a command as a POSIX shell does for the quoting used here (single quotes), dropping a trailing comment. */
export function words(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/'([^']*)'|(#.*$)|(\S+)/g)) {
    if (m[2] !== undefined) break;
    out.push(m[1] ?? m[3]!);
  }
  return out;
}

/**
 * The README's one `claude mcp add`, split where a client run puts its own values: the words up to the
 * server name, the --env pairs, and the command after `--`. Throws, showing the command, when its shape changes.
 */
export function claudeMcpAdd(commands: string[]): { head: string[]; env: Array<[string, string]>; command: string[] } {
  const adds = commands.filter((c) => c.startsWith('claude mcp add'));
  if (adds.length !== 1) throw new Error(`the README has ${adds.length} \`claude mcp add\` commands, not one`);
  const argv = words(adds[0]!);
  const shape = (why: string): Error => new Error(`the README's \`claude mcp add\` changed shape (${why}): ${argv.join(' ')}`);
  const dashDash = argv.indexOf('--');
  if (dashDash < 0 || dashDash === argv.length - 1) throw shape('no command after --');
  const head = argv.slice(0, 8);
  if (head.slice(3).join(' ') !== '--transport stdio --scope user dbs-backup') throw shape('expected --transport stdio --scope user dbs-backup');
  const env: Array<[string, string]> = [];
  for (let i = head.length; i < dashDash; i += 2) {
    const match = /^([A-Z_]+)=(\S+)$/.exec(argv[i + 1] ?? '');
    if (argv[i] !== '--env' || !match) throw shape(`expected --env NAME=value at "${argv[i]}"`);
    env.push([match[1]!, match[2]!]);
  }
  return { head, env, command: argv.slice(dashDash + 1) };
}
