import type { PlatformKind } from '../protocol/environments';

/** How the active target was chosen (shown to the user next to the target). */
export type TargetSource = 'flag' | 'setting' | 'environment' | 'dockerfile' | 'requirements' | 'default';

/** A target the linter checks against: a platform version resolved to Airflow + Python. */
export interface ResolvedTarget {
  platform: PlatformKind;
  /** Platform version id as the user wrote it (normalised): "2.10.3", image name, runtime tag. */
  version: string;
  /** Airflow version "X.Y.Z". */
  airflow: string;
  /** Python "3.Y". */
  python: string;
  /** Canonical label "platform:version". */
  label: string;
  source: TargetSource;
  /** Where it came from, e.g. the Dockerfile path or the setting name. */
  sourceDetail?: string;
  /** Caveats, e.g. "Airflow patch version approximated from runtime major 13". */
  notes: string[];
  /** The official image the project builds on (`FROM apache/airflow:2.10.2`): its providers count as installed. */
  image?: string;
}
