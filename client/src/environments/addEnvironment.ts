/**
 * The guided "Add environment…" flow without vscode: a sequence of picks and inputs through a
 * small UI interface (quick picks / input boxes in VS Code, scripted answers in tests). Returns
 * the settings entry (names only) and the secrets (stored by the caller in SecretStorage only).
 */
import type { EnvironmentConfig, PlatformKind } from '../../../core/src/protocol/environments';
import type { SecretKey } from '../../../core/src/platforms';

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

export interface FlowUI {
  pick<T>(title: string, items: PickItem<T>[], opts?: { placeholder?: string }): Promise<T | undefined>;
  input(title: string, opts: { prompt: string; value?: string; placeholder?: string; password?: boolean; validate?: (v: string) => string | undefined }): Promise<string | undefined>;
  /** Show a progress/busy state while a list loads. */
  busy<T>(title: string, work: () => Promise<T>): Promise<T>;
}

export interface FlowDeps {
  ui: FlowUI;
  existingNames: string[];
  listMwaa(region: string, profile: string | undefined): Promise<{ name: string; detail?: string }[]>;
  listComposer(project: string, location: string): Promise<{ id: string; detail?: string }[]>;
  /** AWS profiles from ~/.aws/config (for the pick list). */
  awsProfiles?(): Promise<string[]>;
}

export interface FlowResult {
  config: EnvironmentConfig;
  secrets: Partial<Record<SecretKey, string>>;
}

export const MWAA_REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'eu-south-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2'];

function nameValidator(existing: string[]) {
  return (v: string) => (!v.trim() ? 'Enter a name' : existing.includes(v.trim()) ? `"${v.trim()}" is already configured` : undefined);
}

function urlValidator(v: string): string | undefined {
  try {
    const u = new URL(v.trim());
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'Use an http:// or https:// URL';
    if (u.username || u.password) return 'Do not put credentials in the URL; you will be asked for them next';
    return undefined;
  } catch {
    return 'Enter a URL such as http://127.0.0.1:8080';
  }
}

const required = (what: string) => (v: string) => (v.trim() ? undefined : `Enter ${what}`);

export async function runAddEnvironmentFlow(deps: FlowDeps): Promise<FlowResult | undefined> {
  const { ui } = deps;
  const title = 'Add Airflow environment';
  const platform = await ui.pick<PlatformKind>(title, [
    { label: 'Amazon MWAA', description: 'AWS profile + region → pick an environment', value: 'mwaa' },
    { label: 'Google Cloud Composer', description: 'project + location → pick an environment', value: 'composer' },
    { label: 'Astronomer Astro', description: 'organization + deployment + API token', value: 'astro' },
    { label: 'Self-hosted Airflow', description: 'base URL + user/password or token', value: 'airflow' },
  ]);
  if (!platform) return undefined;
  const askName = (suggested: string) => ui.input(title, { prompt: 'Name shown in the tree and used by `--env NAME`', value: suggested, validate: nameValidator(deps.existingNames) });

  if (platform === 'mwaa') {
    const profiles = deps.awsProfiles ? await deps.awsProfiles() : [];
    const profile = profiles.length
      ? await ui.pick<string>(title, [{ label: 'default credential chain', description: 'AWS_PROFILE, environment variables, SSO, instance role', value: '' }, ...profiles.map((p) => ({ label: p, value: p }))], { placeholder: 'AWS profile' })
      : await ui.input(title, { prompt: 'AWS profile (empty = default credential chain)', placeholder: 'default' });
    if (profile === undefined) return undefined;
    const region = await ui.pick<string>(title, MWAA_REGIONS.map((r) => ({ label: r, value: r })), { placeholder: 'AWS region' });
    if (!region) return undefined;
    const envs = await ui.busy('Listing MWAA environments…', () => deps.listMwaa(region, profile || undefined));
    const environment = envs.length ? await ui.pick<string>(title, envs.map((e) => ({ label: e.name, description: e.detail, value: e.name }))) : await ui.input(title, { prompt: `No environments listed in ${region}; enter the MWAA environment name`, validate: required('a name') });
    if (!environment) return undefined;
    const name = await askName(environment);
    if (!name) return undefined;
    return { config: { name: name.trim(), platform, environment, region, ...(profile ? { profile } : {}) }, secrets: {} };
  }

  if (platform === 'composer') {
    const project = await ui.input(title, { prompt: 'Google Cloud project id', validate: required('a project id') });
    if (!project) return undefined;
    const location = await ui.input(title, { prompt: 'Location (region), e.g. europe-west1', validate: required('a location') });
    if (!location) return undefined;
    const envs = await ui.busy('Listing Composer environments…', () => deps.listComposer(project.trim(), location.trim()));
    const environment = envs.length ? await ui.pick<string>(title, envs.map((e) => ({ label: e.id, description: e.detail, value: e.id }))) : await ui.input(title, { prompt: 'No environments listed; enter the environment id', validate: required('an id') });
    if (!environment) return undefined;
    const name = await askName(environment);
    if (!name) return undefined;
    return { config: { name: name.trim(), platform, project: project.trim(), location: location.trim(), environment }, secrets: {} };
  }

  if (platform === 'astro') {
    const organization = await ui.input(title, { prompt: 'Astro organization id', validate: required('an organization id') });
    if (!organization) return undefined;
    const deployment = await ui.input(title, { prompt: 'Astro deployment id (astro deployment list)', validate: required('a deployment id') });
    if (!deployment) return undefined;
    const token = await ui.input(title, { prompt: 'Astro API token (stored in VS Code secret storage only)', password: true, validate: required('a token') });
    if (!token) return undefined;
    const name = await askName(deployment);
    if (!name) return undefined;
    return { config: { name: name.trim(), platform, organization: organization.trim(), deployment: deployment.trim() }, secrets: { token } };
  }

  const url = await ui.input(title, { prompt: 'Airflow base URL (webserver / API server)', value: 'http://127.0.0.1:8080', validate: urlValidator });
  if (!url) return undefined;
  const mode = await ui.pick<'basic' | 'token' | 'none'>(title, [
    { label: 'Username and password', description: 'Airflow 2 basic auth, Airflow 3 /auth/token', value: 'basic' },
    { label: 'API token', description: 'sent as Bearer', value: 'token' },
    { label: 'No authentication', value: 'none' },
  ]);
  if (!mode) return undefined;
  const secrets: FlowResult['secrets'] = {};
  if (mode === 'basic') {
    const username = await ui.input(title, { prompt: 'Username', validate: required('a username') });
    if (!username) return undefined;
    const password = await ui.input(title, { prompt: 'Password (stored in VS Code secret storage only)', password: true, validate: required('a password') });
    if (password === undefined) return undefined;
    Object.assign(secrets, { username, password });
  } else if (mode === 'token') {
    const token = await ui.input(title, { prompt: 'API token (stored in VS Code secret storage only)', password: true, validate: required('a token') });
    if (!token) return undefined;
    secrets.token = token;
  }
  let suggested = 'local';
  try {
    const h = new URL(url).hostname;
    suggested = h === '127.0.0.1' || h === 'localhost' ? 'local' : h.split('.')[0];
  } catch {
    /* validated above */
  }
  const name = await askName(suggested);
  if (!name) return undefined;
  return { config: { name: name.trim(), platform, url: url.trim(), auth: mode }, secrets };
}

/** SecretStorage key of one secret of one environment. */
export function secretKey(env: string, key: SecretKey): string {
  return `managedAirflow.environment/${env}/${key}`;
}
