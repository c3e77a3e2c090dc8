/** The text block of `list_backup_plans`: everything a model needs to answer from and to take the next step. */
import { count, pagePosition, plural, shortTime } from '../shared/format.js';
import { TOOL_NAMES } from '../shared/names.js';
import { cell, clip } from '../shared/table.js';
import type { PlanListInput } from './args.js';
import { PLAN_STATUS_MEANINGS, PLAN_STATUSES, planStatusMeaning, type BackupPlan, type PlanDetails, type PlanListResult, type PlanSummary } from './schema.js';

/** The filters of the call, in words, for the header. */
function filterText(input: PlanListInput): string {
  const parts: string[] = [];
  if (input.backupPlanIds && input.backupPlanIds.length > 0) parts.push(`ids ${input.backupPlanIds.join(', ')}`);
  if (input.backupPlanName) parts.push(`name "${input.backupPlanName}"`);
  if (input.status) parts.push(`status ${input.status}`);
  return parts.length > 0 ? ` matching ${parts.join(', ')}` : '';
}

/** Said first and plainly when the counts cover only part of the list. */
function coverageLine(result: PlanListResult): string | null {
  const { page, summary, nextArguments } = result;
  const total = page.totalElements;
  if (nextArguments !== null) {
    const of = total === null ? '' : ` of ${count(total)}`;
    return `Partial: read ${plural(summary.fetched, 'plan')}${of}; the counts below cover only those. To read the rest call ${TOOL_NAMES.listBackupPlans} with ${JSON.stringify(nextArguments)}.`;
  }
  if (page.pageNum > 0) {
    return `Partial: read from pageNum ${page.pageNum} on; plans on earlier pages are not counted (pageNum 0 starts at the beginning).`;
  }
  return null;
}

function statusCounts(byStatus: Record<string, number>): string {
  const known = PLAN_STATUSES.filter((s) => byStatus[s] !== undefined).map((s) => `${s} ${byStatus[s]} (${PLAN_STATUS_MEANINGS[s]})`);
  const others = Object.keys(byStatus)
    .filter((s) => !(PLAN_STATUSES as readonly string[]).includes(s))
    .map((s) => {
      const meaning = planStatusMeaning(s);
      return `${s} ${byStatus[s]} (${meaning ?? 'not a documented status'})`;
    });
  return [...known, ...others].join(', ');
}

function byCountDesc(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([key, n]) => `${key} ${n}`)
    .join(', ');
}

function statusCell(plan: BackupPlan): string {
  const status = cell(plan.status, 20);
  return plan.statusMeaning === null || plan.statusMeaning === plan.status ? status : `${status} (${plan.statusMeaning})`;
}

function sourceCell(plan: BackupPlan): string {
  const parts = [plan.sourceType, plan.sourceInstanceId, plan.sourceRegion].filter((p): p is string => p !== null);
  return parts.length === 0 ? '-' : cell(parts.join(' '), 48);
}

function autoDownloadCell(plan: BackupPlan): string {
  if (plan.autoDownload === null) return '-';
  if (!plan.autoDownload) return 'no';
  const formats = [plan.downloadFormats.full, plan.downloadFormats.incremental].filter((f) => f !== null);
  const how = [plan.downloadTargetType, formats.length > 0 ? formats.join('/') : null].filter((p) => p !== null);
  return how.length > 0 ? `yes (${cell(how.join(' '), 24)})` : 'yes';
}

const WEEK = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** `daily 02:00`, `Mon,Thu 03:00`: BackupPeriod's weekdays and BackupStartTime (UTC, as the header says). */
export function scheduleCell(plan: BackupPlan): string {
  const days = plan.backupPeriod;
  const daily = days !== null && WEEK.every((day) => days.some((d) => d.toLowerCase() === day.toLowerCase()));
  const when = days === null ? null : daily ? 'daily' : days.map((d) => d.slice(0, 3)).join(',');
  const parts = [when, plan.backupStartTime].filter((p): p is string => p !== null);
  return parts.length === 0 ? '-' : cell(parts.join(' '), 48);
}

function row(plan: BackupPlan, withRegion: boolean): string {
  return [
    cell(plan.backupPlanId),
    ...(withRegion ? [plan.regionId] : []),
    cell(plan.backupPlanName, 32),
    statusCell(plan),
    cell(plan.dbType, 16),
    sourceCell(plan),
    scheduleCell(plan),
    autoDownloadCell(plan),
    shortTime(plan.createdAt),
  ].join(' | ');
}

function detailText(details: PlanDetails): string | null {
  const parts: string[] = [];
  if (details.sourceUser !== null) parts.push(`user ${details.sourceUser}`);
  if (details.sourceIpPort !== null) parts.push(`at ${details.sourceIpPort}`);
  if (details.ossBucket !== null) parts.push(`OSS bucket ${details.ossBucket}${details.ossRegion === null ? '' : ` (${details.ossRegion})`}`);
  if (details.crossAccountId !== null)
    parts.push(`cross-account ${details.crossAccountId}${details.crossRoleName === null ? '' : ` role ${details.crossRoleName}`}`);
  return parts.length === 0 ? null : parts.join(', ');
}

function detailLines(result: PlanListResult): string[] {
  const lines: string[] = [];
  for (const plan of result.plans) {
    const line = plan.details === undefined ? null : detailText(plan.details);
    if (line !== null) lines.push(`- ${cell(plan.backupPlanId)}: ${clip(line, 240)}`);
  }
  if (lines.length === 0) return [];
  // Only reached with includeEndpointDetails: the caller asked for these explicitly.
  return ['Endpoint details (they describe the infrastructure behind each plan):', ...lines];
}

/** The region arguments that repeat this call's scope, for the calls the text suggests. */
function scopeArguments(input: PlanListInput, regionId: string): Record<string, unknown> {
  if (input.allRegions) return { allRegions: true };
  if (input.regionIds && input.regionIds.length > 1) return { regionIds: input.regionIds };
  return { regionId };
}

/** The lines that hand a plan id to the download-task tool, and the call that covers every plan at once. */
function nextStepLines(result: PlanListResult, input: PlanListInput, severalRegions: boolean): string[] {
  const plan = result.plans[0];
  const example = plan?.backupPlanId ?? '<backupPlanId>';
  const args: Record<string, unknown> = { backupPlanId: example };
  if (input.regionId || severalRegions || input.regionIds?.length) args.regionId = plan?.regionId ?? result.request.regionId;
  args.allPages = true;
  const across = scopeArguments(input, result.request.regionId);
  return [
    `Next: for a plan's backup set download tasks (which downloads failed, are running, their sizes), call ${TOOL_NAMES.listBackupSetDownloadTasks} with its backupPlanId, e.g. ${JSON.stringify(args)}.`,
    `For downloads across plans (which plans had failures this week, what finished yesterday), call ${TOOL_NAMES.listBackupSetDownloadTasks} without backupPlanId: ${JSON.stringify(across)}.`,
  ];
}

function emptyText(result: PlanListResult, input: PlanListInput): string {
  const { page } = result;
  if (page.pageNum > 0 && (page.totalElements ?? 0) > 0) {
    return `No backup plans on pageNum ${page.pageNum}: the list has ${plural(page.totalElements ?? 0, 'plan')}${page.totalPages === null ? '' : ` on pages 0-${page.totalPages - 1}`}.`;
  }
  const filters = filterText(input);
  if (result.regions.length > 1) {
    const regions = `regions ${result.regions.map((r) => r.regionId).join(', ')}`;
    return filters !== '' ? `No backup plans${filters} in ${regions}. Call again without the filters to see every plan.` : `No backup plans in ${regions}.`;
  }
  const region = result.request.regionId;
  if (filters !== '') return `No backup plans${filters} in region ${region}. Call again without the filters to see every plan of the region.`;
  return `No backup plans in region ${region}. A plan belongs to one region: if one was expected, call again with the regionId it was created in.`;
}

// Their own words say why: a paused or locked plan has no precheck error to show.
const SELF_EXPLAINED = new Set(['pause', 'locked']);

function attentionLine(plan: PlanSummary['attention'][number], severalRegions: boolean): string {
  const where = severalRegions ? ` (${plan.regionId})` : '';
  const head = `- ${cell(plan.backupPlanId)}${where} ${cell(plan.backupPlanName, 32)}`;
  if (plan.status !== null && SELF_EXPLAINED.has(plan.status.toLowerCase())) return `${head} [${cell(plan.status, 20)}]: ${clip(plan.reason, 400)}`;
  const meaning = planStatusMeaning(plan.status);
  const status = meaning === null ? cell(plan.status, 20) : `${cell(plan.status, 20)}: ${meaning}`;
  return `${head} [${status}]: ${clip(plan.reason, 400)}`;
}

function attentionLines(summary: PlanSummary, severalRegions: boolean): string[] {
  if (summary.attentionTotal === 0) return ['Need attention: none (no plan is in init, stop, pause, locked or wait).'];
  const shown =
    summary.attentionTotal > summary.attention.length
      ? ` (newest ${summary.attention.length} shown, ${count(summary.attentionTotal - summary.attention.length)} more)`
      : '';
  return [
    `Need attention (not backing up: precheck failed, failed, paused, locked or not configured): ${plural(summary.attentionTotal, 'plan')}${shown}`,
    ...summary.attention.map((plan) => attentionLine(plan, severalRegions)),
  ];
}

/** The first line: where the plans were read and how many there are. */
function headerLine(result: PlanListResult, input: PlanListInput, severalRegions: boolean): string {
  const { page } = result;
  const total = page.totalElements === null ? '' : `, ${count(page.totalElements)} in total`;
  if (!severalRegions) return `Backup plans in region ${result.request.regionId}${filterText(input)}: ${pagePosition(page, 'plan')}${total}.`;
  const regions = result.regions.map((r) => r.regionId);
  const which = input.allRegions ? `every region DBS serves (${regions.length})` : `regions ${regions.join(', ')}`;
  return `Backup plans in ${which}${filterText(input)}: ${plural(page.pagesFetched, 'page')} of up to ${page.pageSize} plans read${total}.`;
}

export function renderPlansText(result: PlanListResult, input: PlanListInput): string {
  const { summary } = result;
  const lines: string[] = [];
  const coverage = coverageLine(result);
  if (coverage !== null) lines.push(coverage);
  const severalRegions = result.regions.length > 1;
  lines.push(headerLine(result, input, severalRegions));
  for (const warning of result.warnings) lines.push(`Warning: ${warning}`);
  if (summary.fetched === 0) {
    lines.push(emptyText(result, input));
    return lines.join('\n');
  }

  lines.push(`Read ${plural(summary.fetched, 'plan')}, listed ${count(summary.listed)} (newest first, times UTC).`);
  lines.push(`By status: ${statusCounts(summary.byStatus)}.`);
  lines.push(`By database type: ${byCountDesc(summary.byDbType)}.`);
  if (severalRegions) lines.push(`By region: ${byCountDesc(summary.byRegion)}.`);
  lines.push(...attentionLines(summary, severalRegions));
  lines.push(`id${severalRegions ? ' | region' : ''} | name | status | database | source | schedule | auto-download | created`);
  for (const plan of result.plans) lines.push(row(plan, severalRegions));
  if (summary.fetched > summary.listed) lines.push(`(${count(summary.fetched - summary.listed)} more plans not listed: raise limit to see them)`);
  const details = detailLines(result);
  if (details.length > 0) lines.push(...details);
  else if (!input.includeEndpointDetails)
    lines.push('Database user names, ip:port, OSS buckets and cross-account ids are left out; set includeEndpointDetails to see them.');
  lines.push(...nextStepLines(result, input, severalRegions));
  return lines.join('\n');
}
