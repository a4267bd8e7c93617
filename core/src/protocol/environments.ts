/**
 * One remote Airflow environment as the user configures it in `managedAirflow.environments`
 * (workspace settings, `.vscode/settings.json`). Shared by the environments tree, deploy and
 * the CLI. Holds names only: secrets live in VS Code SecretStorage or environment variables.
 */
export type PlatformKind = 'mwaa' | 'composer' | 'astro' | 'airflow';

export interface EnvironmentConfig {
  /** Unique display name, used by `--env NAME`. */
  name: string;
  platform: PlatformKind;
  /** MWAA: environment name. Composer: environment id. */
  environment?: string;
  /** MWAA: AWS region. */
  region?: string;
  /** MWAA: AWS shared-config profile. */
  profile?: string;
  /** Composer: GCP project id. */
  project?: string;
  /** Composer: location (region), e.g. "europe-west1". */
  location?: string;
  /** Astro: organization id. */
  organization?: string;
  /** Astro: deployment id. */
  deployment?: string;
  /** Self-hosted (and optional override for others): Airflow base URL, e.g. "http://127.0.0.1:8080". */
  url?: string;
  /** Self-hosted: how to authenticate; default "basic" when a username is available. */
  auth?: 'basic' | 'token' | 'none';
  /** Self-hosted deploy destination ("s3://bucket/prefix" or "gs://bucket/prefix"); for managed
   * platforms an optional expectation that must agree with the platform's real destination. */
  destination?: string;
  /** Local folder with the DAGs of this environment (default "dags" if present, else workspace root). */
  dagsFolder?: string;
  /** Pinned lint target for this environment (normally read from the platform). */
  target?: string;
}
