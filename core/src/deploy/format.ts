import type { DeployPlan, DeploySummary } from './types';
import { formatLocation } from './uri';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The facts that prevent the wrong-bucket accident, always shown first. */
export function planHeader(plan: DeployPlan): string[] {
  const d = plan.destination;
  const lines = [
    `environment: ${d.environment} (${d.platform}, Airflow ${d.airflowVersion}${d.target ? `, target ${d.target}` : ''})`,
  ];
  if (d.kind === 'astro') lines.push(`destination: Astro deployment ${d.astro?.deployment} (DAG-only deploy via ${d.astro?.apiUrl})`);
  else {
    lines.push(`destination: ${formatLocation(d.dags)}  (bucket ${d.dags.bucket}, prefix ${d.dags.prefix || '(whole bucket)'})`);
    for (const k of plan.scope.keys) lines.push(`             s3://${d.dags.bucket}/${k}`.replace('s3://', `${d.dags.scheme}://`));
    for (const p of plan.scope.prefixes.slice(1)) lines.push(`             ${d.dags.scheme}://${d.dags.bucket}/${p}`);
  }
  lines.push(`resolved from: ${d.resolvedFrom}`);
  return lines;
}

export function formatPlan(plan: DeployPlan, opts: { maxList?: number } = {}): string {
  const max = opts.maxList ?? 50;
  const lines = planHeader(plan);
  const list = (title: string, items: string[]) => {
    if (!items.length) return;
    lines.push(title);
    for (const i of items.slice(0, max)) lines.push(`  ${i}`);
    if (items.length > max) lines.push(`  … and ${items.length - max} more`);
  };
  const upBytes = plan.uploads.reduce((s, u) => s + u.size, 0);
  lines.push(`plan: ${plan.uploads.length} to upload (${formatBytes(upBytes)}), ${plan.unchanged} unchanged, ${plan.deletes.length} to delete${plan.extraneous.length ? `, ${plan.extraneous.length} remote-only kept` : ''}`);
  list('upload:', plan.uploads.map((u) => `${u.reason === 'new' ? '+' : '~'} ${u.key}  (${u.reason}, ${formatBytes(u.size)}${u.display !== u.key ? `, from ${u.display}` : ''})`));
  list('delete:', plan.deletes.map((k) => `- ${k}`));
  list('remote only (kept; --delete removes them):', plan.extraneous);
  if (plan.environmentUpdate.length) lines.push(`environment update needed for: ${plan.environmentUpdate.join(', ')} (MWAA restarts the environment; asked separately)`);
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export function formatSummary(s: DeploySummary): string {
  return `deployed: ${s.uploaded} uploaded (${formatBytes(s.uploadedBytes)}), ${s.unchanged} unchanged, ${s.deleted} deleted${s.retries ? `, ${s.retries} retries` : ''} in ${(s.ms / 1000).toFixed(2)} s`;
}
