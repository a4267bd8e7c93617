import { existsSync } from 'node:fs';
import path from 'node:path';
import { ManagedAirflowError, isManagedAirflowError } from '../../../core/src/errors';
import { findEnvironment, loadEnvironments, readSettingsFile } from '../../../core/src/config/environments';
import { normaliseDeploySettings } from '../../../core/src/protocol/settings';
import type { DeployServices, DeploySummary, GateResult, IgnoreSyntax, ProgressEvent } from '../../../core/src/deploy';
import type { DeployLinter } from '../../../core/src/deploy/gate';
import { threadLinter } from '../../../core/src/deploy/lint-thread';
import { deployCacheDir, deployStateFile, readDeployState, writeDeployState } from '../../../core/src/deploy/state';
import { parseCommandArgs } from '../args';
import type { CliCommand, CliIO } from '../types';

const USAGE = `Usage: managed-airflow deploy [DIR] --env NAME [options]

Deploy the DAGs of DIR (a project folder with dags/, or the DAG folder itself; default: the current
folder) to the environment NAME of managedAirflow.environments in .vscode/settings.json.
The destination is always read from the platform (MWAA GetEnvironment, Composer config.dagGcsPrefix,
the Astro deployment, or "destination" for self-hosted Airflow), never typed by hand. Files are
linted against the environment's Airflow version first (the files the deploy changes: new and
changed DAGs, every plugin when plugins.zip changes; --lint-all lints all), then only new and
changed files upload.

Options:
  --env NAME              environment to deploy to (required)
  --plan                  print the plan and change nothing
  --delete                also delete remote files that no longer exist locally (asks first)
  --yes, -y               do not ask before uploading/deleting (CI)
  --update-environment    MWAA: apply new plugins.zip/requirements.txt/startup script versions
                          without asking (restarts the environment)
  --force                 deploy even when the lint gate finds errors
  --lint-all              lint every DAG file, not only the new and changed ones
  --format F              text (default) or json
  --include LIST          Composer: also sync plugins,data folders of the bucket (comma-separated)
  --concurrency N         parallel uploads (default: managedAirflow.deploy.concurrency, 16)
  --ignore-syntax S       .airflowignore syntax: regexp or glob (default: managedAirflow.deploy.ignoreSyntax,
                          else by Airflow version: regexp before 3.0, glob since)
  --no-cache              neither read nor write the local deploy state (the DAG folder the last
                          deploy resolved, listed early while the platform is asked, and the MD5s
                          of unchanged local files, used only where the listing agrees; see README)
  -h, --help              this help

Endpoint overrides: AWS_ENDPOINT_URL_MWAA, AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL),
STORAGE_EMULATOR_HOST, CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPOSER, ASTRO_API_URL.
Credentials: the AWS credential chain (profile of the environment, SSO, env, OIDC role),
Google Application Default Credentials, ASTRO_API_TOKEN. Nothing secret is printed.

Exit codes: 0 deployed or nothing to do, 1 blocked by the lint gate or refused,
2 usage/configuration/credential errors, 130 cancelled (a rerun continues).`;

/** Hooks for tests: inject platform services and the linter. */
export const deployHooks: { services?: (env: NodeJS.ProcessEnv) => DeployServices; linter?: (cwd: string) => DeployLinter | undefined; retryBaseMs?: number } = {};

type DeployCore = typeof import('../../../core/src/deploy');

function gateReport(g: GateResult, cwd: string, core: DeployCore): string[] {
  const out: string[] = [];
  for (const n of g.notes) out.push(`note: ${n}`);
  for (const d of [...g.errors, ...g.warnings]) out.push(core.formatGateDiagnostic(d, cwd));
  return out;
}

export const deployCommand: CliCommand = {
  name: 'deploy',
  summary: 'deploy DAGs to the environment’s real bucket (lint-gated diff-sync)',
  usage: USAGE,
  async run(argv: string[], io: CliIO): Promise<number> {
    const json = argv.some((a, i) => a === '--format=json' || ((a === '--format' || a === '-f') && argv[i + 1] === 'json'));
    try {
      return await runDeploy(argv, io);
    } catch (e) {
      // --format json: CI gets a machine-readable failure too (the message and hint also go to stderr)
      if (!json || !isManagedAirflowError(e)) throw e;
      io.stderr(`error: ${e.source ? `${e.source}: ` : ''}${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
      io.stdout(`${JSON.stringify({ status: e.kind === 'cancelled' ? 'cancelled' : 'failed', exitCode: e.exitCode, error: e.toJSON() }, null, 2)}\n`);
      return e.exitCode;
    }
  },
};

async function runDeploy(argv: string[], io: CliIO): Promise<number> {
  // MANAGED_AIRFLOW_TIMING=1 prints where a deploy spends its time (start-up, plan, lint gate, transfer)
  const timing = io.env.MANAGED_AIRFLOW_TIMING === '1';
  const marks: [string, number][] = [['start-up', process.uptime() * 1000]];
  const mark = (label: string) => marks.push([label, process.uptime() * 1000]);
  // the lint thread's own steps, as ms since this process started (it runs beside the phases above)
  let threadTrace: [string, number][] = [];
  const onTrace = timing ? (t: Record<string, number>) => (threadTrace = Object.entries(t).map(([l, at]) => [l, at - performance.timeOrigin])) : undefined;
  const report = () => {
    if (!timing) return;
    const thread = threadTrace.length ? `; lint thread at: ${threadTrace.map(([l, t]) => `${l} ${Math.round(t)} ms`).join(', ')}` : '';
    err(`timing: ${marks.map(([l, t], i) => `${l} ${Math.round(t - (i ? marks[i - 1][1] : 0))} ms`).join(', ')}${thread}`);
  };
  // The lint engine: on a worker thread started first of all when the bundle ships one (it loads and
  // warms up beside the loading of the deploy code, the platform calls, the listing and the hashing),
  // else loaded in-process once the remote listing is requested (the plan then waits on the network).
  const workerFile = path.join(__dirname, 'lint-thread-worker.mjs');
  let linter: Promise<DeployLinter | undefined> | undefined = deployHooks.linter ? Promise.resolve(deployHooks.linter(io.cwd)) : existsSync(workerFile) ? Promise.resolve(threadLinter(io.cwd, workerFile, { onTrace })) : undefined;
  // Loaded with import(), so in the CLI bundle they are chunks of their own: the deploy code when a
  // deploy runs, the lint engine (parser, rules, knowledge base) only once a plan is being made.
  const core = await import('../../../core/src/deploy/index.js');
  const {
    defaultServices, executeAstroDeploy, executeDeploy, formatPlan, formatSummary, lintGate, planHeader, planIsEmpty, prepareDeploy, readRequirements, updateMwaaEnvironment,
  } = core;
  const { values, positionals } = parseCommandArgs('deploy', argv, {
    env: { type: 'string', short: 'e' },
    plan: { type: 'boolean', default: false },
    delete: { type: 'boolean', default: false },
    yes: { type: 'boolean', short: 'y', default: false },
    force: { type: 'boolean', default: false },
    'update-environment': { type: 'boolean', default: false },
    'lint-all': { type: 'boolean', default: false },
    format: { type: 'string', short: 'f', default: 'text' },
    include: { type: 'string' },
    concurrency: { type: 'string' },
    'ignore-syntax': { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
  });
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new ManagedAirflowError('usage', 'usage.format', `unknown --format "${format}"`, { hint: 'Use text or json.' });
  if (!values.env) throw new ManagedAirflowError('usage', 'usage.missingEnv', 'deploy: --env NAME is required', { hint: 'Name an environment of managedAirflow.environments, e.g. `managed-airflow deploy --env prod`.' });
  if (positionals.length > 1) throw new ManagedAirflowError('usage', 'usage.tooManyArgs', `deploy: expected at most one DIR, got ${positionals.length}`, { hint: 'Run `managed-airflow deploy --help`.' });
  const include = (values.include ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const i of include) if (i !== 'plugins' && i !== 'data') throw new ManagedAirflowError('usage', 'usage.include', `--include: unknown folder "${i}"`, { hint: 'Use plugins, data or plugins,data.' });
  if (values.concurrency !== undefined && !/^\d+$/.test(values.concurrency)) throw new ManagedAirflowError('usage', 'usage.concurrency', `--concurrency must be an integer 1–256, got ${values.concurrency}`);
  const syntaxFlag = values['ignore-syntax'];
  if (syntaxFlag !== undefined && syntaxFlag !== 'regexp' && syntaxFlag !== 'glob') throw new ManagedAirflowError('usage', 'usage.ignoreSyntax', `--ignore-syntax must be regexp or glob, got ${syntaxFlag}`);

  const dir = path.resolve(io.cwd, positionals[0] ?? '.');
  const { environments, settingsFile } = loadEnvironments(dir);
  const env = findEnvironment(environments, values.env, settingsFile);
  // managedAirflow.deploy.* of .vscode/settings.json, overridden by flags
  const settings = normaliseDeploySettings(settingsFile ? readSettingsFile(settingsFile) : {});
  const concurrency = values.concurrency !== undefined ? Number(values.concurrency) : settings.concurrency;
  if (concurrency < 1 || concurrency > 256) throw new ManagedAirflowError('usage', 'usage.concurrency', `--concurrency must be an integer 1–256, got ${values.concurrency}`);
  const syntax = syntaxFlag ?? (settings.ignoreSyntax === 'auto' ? undefined : settings.ignoreSyntax);
  if (!include.length) include.push(...settings.composerFolders);
  const lintAll = values['lint-all'] || settings.lintAll;
  const services = deployHooks.services?.(io.env) ?? defaultServices({ env: io.env });
  const json = format === 'json';
  const out = (s: string) => {
    if (!json) io.stdout(`${s}\n`);
  };
  const err = (s: string) => io.stderr(`${s}\n`);
  const result: Record<string, unknown> = { environment: env.name };
  const finish = (code: number, status: string) => {
    if (json) io.stdout(`${JSON.stringify({ status, exitCode: code, ...result }, null, 2)}\n`);
    return code;
  };

  const loadLinter = () => (linter ??= import('../../../core/src/deploy/lint.js').then((m) => m.engineLinter(io.cwd)));
  const onPhase = (phase: 'listing' | 'local' | 'remote') => {
    if (phase === 'listing') {
      mark('resolve');
      loadLinter().catch(() => undefined);
    } else mark(phase === 'local' ? 'local files' : 'listing');
  };
  // the DAG folder the previous deploy resolved: listed while the platform is asked (state.ts)
  const cacheDir = values['no-cache'] ? undefined : deployCacheDir(io.env);
  const stateFile = cacheDir ? deployStateFile(cacheDir, dir, env.name) : undefined;
  const state = stateFile ? readDeployState(stateFile, env.name) : undefined;
  let prepared;
  try {
    prepared = await prepareDeploy({ env, dir, services, delete: values.delete, include: include as ('plugins' | 'data')[], ignoreSyntax: syntax as IgnoreSyntax | undefined, signal: io.signal, concurrency, onPhase, hint: state, hashCache: state?.files });
  } catch (e) {
    if (isManagedAirflowError(e) && e.code === 'deploy.destinationMismatch') {
      // a refused plan, not a usage error: exit 1 with both destinations shown
      err(`error: ${e.message}`);
      if (e.hint) err(`hint: ${e.hint}`);
      result.error = e.toJSON();
      return finish(1, 'refused');
    }
    throw e;
  }
  const { plan } = prepared;
  result.plan = plan;
  mark('plan');
  // the next deploy's head start (state.ts): the resolved folder, its Airflow version, the local MD5s
  if (stateFile && (env.platform === 'mwaa' || env.platform === 'composer') && plan.destination.kind === 'storage') {
    writeDeployState(stateFile, { version: 1, environment: env.name, dags: plan.destination.dags, airflowVersion: plan.destination.airflowVersion, ...(prepared.hashCache ? { files: prepared.hashCache } : {}) });
  }

  // the upload's SDK client is set up while the lint thread answers (the listing may not have needed it)
  if (plan.uploads.length && !values.plan) prepared.storage?.prepare?.();
  // lint gate against the environment's real version
  const reqText = readRequirements(prepared);
  let gate: GateResult;
  try {
    gate = await lintGate(lintAll ? prepared.pythonFiles : prepared.changedPythonFiles, {
      target: plan.destination.target,
      airflowVersion: plan.destination.airflowVersion,
      linter: await loadLinter(),
      force: values.force,
      requirements: reqText !== undefined && prepared.layout.requirements ? { file: prepared.layout.requirements, text: reqText } : undefined,
    });
  } catch (e) {
    const m = (e as Error).message;
    gate = { blocked: !values.force, forced: !!values.force, errors: [], warnings: [], notes: [`the lint engine failed: ${m}`] };
  }
  mark('lint gate');
  result.gate = { blocked: gate.blocked, forced: gate.forced, errors: gate.errors, warnings: gate.warnings, notes: gate.notes };
  for (const l of gateReport(gate, io.cwd, core)) (json ? err : out)(l);
  if (gate.blocked) {
    err(`error: the lint gate blocks the deploy to "${env.name}": ${gate.errors.length || 'the'} error(s) against ${plan.destination.target ?? plan.destination.airflowVersion}`);
    err('hint: fix them (see file:line above), or pass --force to deploy anyway.');
    return finish(1, 'blocked');
  }
  if (gate.forced) err(`warning: deploying despite ${gate.errors.length} lint error(s) (--force)`);

  out(formatPlan(plan));
  if (values.plan) return finish(0, 'planned');
  if (planIsEmpty(plan)) {
    out('nothing to do: the environment already has these files');
    result.summary = { uploaded: 0, uploadedBytes: 0, unchanged: plan.unchanged, deleted: 0, retries: 0, ms: 0, environmentUpdated: false, versions: {} } satisfies DeploySummary;
    report();
    return finish(0, 'nothing-to-do');
  }

  if (!values.yes && (plan.uploads.length || plan.deletes.length)) {
    const what = [plan.uploads.length ? `upload ${plan.uploads.length} file(s)` : '', plan.deletes.length ? `DELETE ${plan.deletes.length} remote file(s) listed above` : ''].filter(Boolean).join(' and ');
    const ok = await io.confirm(`${planHeader(plan).slice(0, 2).join('\n')}\n${what[0].toUpperCase()}${what.slice(1)}?`);
    if (!ok) {
      err('refused: nothing was changed (pass --yes to deploy without asking)');
      return finish(1, 'refused');
    }
  }

  const started = Date.now();
  let summary: DeploySummary;
  const progress = (e: ProgressEvent) => {
    if (e.type === 'upload') err(`uploaded ${e.key} (${e.done}/${e.total})`);
    else if (e.type === 'retry') err(`retrying ${e.key} after ${e.error} (attempt ${e.attempt})`);
    else if (e.type === 'delete') err(`deleted ${e.key} (${e.done}/${e.total})`);
    else err(e.message);
  };
  const execOpts = { signal: io.signal, concurrency, onProgress: progress, retry: deployHooks.retryBaseMs !== undefined ? { baseDelayMs: deployHooks.retryBaseMs } : undefined };
  try {
    summary = plan.destination.kind === 'astro' ? await executeAstroDeploy(prepared, services, execOpts) : await executeDeploy(prepared, execOpts);
  } catch (e) {
    if (isManagedAirflowError(e)) result.error = e.toJSON();
    if (json && isManagedAirflowError(e)) {
      err(`error: ${e.message}`);
      if (e.hint) err(`hint: ${e.hint}`);
      return finish(e.exitCode, e.kind === 'cancelled' ? 'cancelled' : 'failed');
    }
    throw e;
  }

  if (plan.environmentUpdate.length) {
    const question = `Update MWAA environment "${plan.destination.mwaa?.name}" to the new ${plan.environmentUpdate.join(', ')} version(s)? This RESTARTS the environment: schedulers, workers and the web server restart (typically 10–30 minutes) and running tasks may fail.`;
    const ok = values['update-environment'] || (await io.confirm(question));
    if (ok) {
      const r = await updateMwaaEnvironment(prepared, services, summary.versions, io.signal);
      if (r.updated) {
        summary.environmentUpdated = true;
        err(`environment update started: ${Object.entries(r.versions).map(([k, v]) => `${k}=${v}`).join(', ')} (the environment restarts now)`);
      } else err(`warning: environment not updated: ${r.reason}`);
    } else {
      err(`note: the environment still uses the previous ${plan.environmentUpdate.join(', ')}; re-run with --update-environment to apply (restarts the environment)`);
    }
  }
  mark('transfer');
  report();
  summary.ms = Date.now() - started;
  result.summary = summary;
  out(formatSummary(summary));
  return finish(0, 'deployed');
}
