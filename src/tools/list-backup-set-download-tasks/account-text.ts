/** The text of a region-wide answer: coverage first, then sums across plans, a row per plan, and the tasks. */
import { count, humanSize, plural, shortTime } from '../shared/format.js';
import { cell, clip } from '../shared/table.js';
import type { ListInput } from './args.js';
import { call, filterText, ORDER, rawStatusLine, stateCounts, taskTableLines, urlLines } from './render.js';
import { NO_ERROR_MESSAGE, type ListResult, type PlanTasks, type Scope, type Summary } from './schema.js';

function whereText(scope: Scope, input: ListInput): string {
  if (input.allRegions) return `All ${plural(scope.regions.length, 'region')}`;
  return scope.regions.length === 1 ? `Region ${scope.regions[0]}` : `Regions ${scope.regions.join(', ')}`;
}

/** Why a partial answer is partial, each reason with what it left out. */
function gaps(result: ListResult, input: ListInput, scope: Scope): string[] {
  const parts: string[] = [];
  const cut = scope.plansInScope - scope.plansRead - scope.errors.filter((e) => e.backupPlanId !== null).length;
  if (cut > 0) parts.push(`maxPlans ${input.maxPlans}: ${plural(cut, 'plan')} not read`);
  const failedPlans = scope.errors.filter((e) => e.backupPlanId !== null).length;
  if (failedPlans > 0) parts.push(`${plural(failedPlans, 'plan')} whose task listing failed`);
  const failedRegions = scope.errors.filter((e) => e.backupPlanId === null).map((e) => e.regionId);
  if (failedRegions.length > 0) parts.push(`plan listing failed in ${failedRegions.join(', ')}`);
  const capped = (result.plans ?? []).filter((p) => !p.complete).length;
  if (capped > 0) parts.push(`${plural(capped, 'plan')} read only up to maxPages ${input.maxPages}`);
  return parts;
}

/** First, and plainly: which regions and plans the answer covers, and the call that reads the rest. */
function coverageLines(result: ListResult, input: ListInput, scope: Scope): string[] {
  const where = whereText(scope, input);
  const tasks = plural(result.summary.fetched, 'download task');
  if (scope.complete) {
    if (scope.plansInScope === 0) return [`${where}: no backup plans.`];
    return [`${where}: all ${plural(scope.plansInScope, 'backup plan')} read, ${tasks}.`];
  }
  const lines = [
    `Partial: ${count(scope.plansRead)} of ${plural(scope.plansInScope, 'plan')} read in ${where.replace(/^\w/, (c) => c.toLowerCase())} (${gaps(result, input, scope).join('; ')}), ${tasks}: the counts below cover those only.`,
  ];
  if (result.nextArguments !== null) lines.push(`For the rest, call ${call(result.nextArguments)}.`);
  return lines;
}

function regionsLine(plans: PlanTasks[], scope: Scope): string | null {
  if (scope.regions.length < 2) return null;
  const byRegion = new Map<string, number>();
  for (const plan of plans) byRegion.set(plan.regionId, (byRegion.get(plan.regionId) ?? 0) + 1);
  const parts = [...byRegion].map(([region, n]) => `${region} ${count(n)}`);
  return `Plans read by region: ${parts.length === 0 ? 'none' : parts.join(', ')}.`;
}

function sumLines(summary: Summary): string[] {
  const { pending, running, paused } = summary.byState;
  return [
    stateCounts(summary),
    `Not finished: ${count(pending + running + paused)} (pending ${count(pending)}, running ${count(running)}, paused ${count(paused)}).`,
    `Total size ${humanSize(summary.totalDataSizeBytes)}; created ${shortTime(summary.oldestCreatedAt)} to ${shortTime(summary.newestCreatedAt)}.`,
  ];
}

function planRow(plan: PlanTasks, withRegion: boolean): string {
  const s = plan.byState;
  const tasks = s.pending + s.running + s.paused + s.succeeded + s.failed + s.unknown;
  const failure = plan.lastFailure === null ? '-' : cell(plan.lastFailure.errorMessage ?? NO_ERROR_MESSAGE, 48);
  return [
    cell(plan.backupPlanId),
    cell(plan.name, 24),
    ...(withRegion ? [cell(plan.regionId)] : []),
    cell(plan.databaseType, 12),
    cell(plan.status, 12),
    count(tasks),
    count(s.succeeded),
    count(s.failed),
    count(s.pending + s.running),
    count(s.paused),
    humanSize(plan.dataSizeBytesByState.succeeded),
    shortTime(plan.lastFinishedAt),
    failure,
  ].join(' | ');
}

function planLines(plans: PlanTasks[], scope: Scope): string[] {
  if (plans.length === 0) return [];
  const withRegion = scope.regions.length > 1;
  const header = ['plan', 'name', ...(withRegion ? ['region'] : []), 'db', 'plan status', 'tasks', 'succeeded', 'failed', 'pending/running', 'paused'];
  return [
    'Per plan (counts over matched tasks):',
    [...header, 'size succeeded', 'last finished', 'last failure'].join(' | '),
    ...plans.map((p) => planRow(p, withRegion)),
  ];
}

function failureLines(summary: Summary): string[] {
  if (summary.byState.failed === 0) return [];
  const lines = [`Failures by reason across plans (${count(summary.byState.failed)} failed, most frequent first; plan: count):`];
  for (const { reason, count: n, byPlan } of summary.failureReasons) {
    const what = reason === NO_ERROR_MESSAGE ? NO_ERROR_MESSAGE : `"${clip(reason, 160)}"`;
    const plans = Object.entries(byPlan ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    lines.push(`- ${count(n)} × ${what}: ${plans.map(([plan, k]) => `${plan} ${count(k)}`).join(', ')}`);
  }
  return lines;
}

function errorLines(scope: Scope): string[] {
  if (scope.errors.length === 0) return [];
  const lines = ['Not read (left out of every count above):'];
  for (const e of scope.errors) {
    const what = e.backupPlanId === null ? `region ${e.regionId}: plan listing failed` : `plan ${e.backupPlanId} (${e.regionId}): task listing failed`;
    lines.push(`- ${what}: ${e.code}: ${clip(e.message, 160)}`);
  }
  return lines;
}

export function renderAccountText(result: ListResult, input: ListInput): string {
  const scope = result.scope!;
  const plans = result.plans ?? [];
  const { summary } = result;
  const lines = coverageLines(result, input, scope);
  const regions = regionsLine(plans, scope);
  if (regions !== null) lines.push(regions);
  for (const warning of result.warnings) lines.push(`Warning: ${warning}`);
  const filter = filterText(input);
  lines.push(`Matched ${count(summary.matched)}${filter}, listed ${count(summary.listed)}, ${ORDER[input.sortBy]} (times UTC).`);
  if (summary.matched > 0) {
    lines.push(...sumLines(summary));
    const raw = rawStatusLine(summary);
    if (raw !== null) lines.push(raw);
  }
  lines.push(...planLines(plans, scope), ...failureLines(summary), ...errorLines(scope));
  if (result.tasks.length > 0) {
    lines.push('Tasks:', ...taskTableLines(result.tasks, true));
  }
  if (summary.matched > summary.listed) lines.push(`(${count(summary.matched - summary.listed)} more matched tasks not listed: raise limit to see them)`);
  lines.push(...urlLines(result));
  return lines.join('\n');
}
