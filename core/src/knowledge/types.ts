/**
 * Schema of the knowledge base (core/src/knowledge/data/*.json). Every fact carries evidence.
 * Versions are plain "X.Y.Z" Airflow versions. Ranges are half-open: `from` inclusive, `to`
 * exclusive; `to: null` means "still true in the newest release scanned".
 */

/** Where a fact was read: repository, path and tag (or commit). */
export interface Evidence {
  repo: string; // e.g. "apache/airflow" or "arenadata/airflow"
  path: string; // file path inside the repository
  ref: string; // tag, branch or commit the file was read at, e.g. "2.10.3"
  commit?: string; // full commit sha when known
  note?: string; // e.g. "listed in __deprecated_classes of airflow/operators/__init__.py"
  /** For sources that are not a git repository (repo is then "web:<host>"): the page address. */
  url?: string;
  /** How directly the fact was read (see docs/knowledge-base.md): primary source → "high". */
  confidence?: Confidence;
}

export type Confidence = 'high' | 'medium' | 'low' | 'unverified';

export interface VersionRange {
  from: string;
  to: string | null;
}

/** Availability of one symbol (module, importable name, argument, context key, feature). */
export interface Availability {
  /** Versions in which the symbol can be used (imports, is accepted …). */
  available: VersionRange[];
  /** Versions in which it still works but emits a deprecation warning (subset of available). */
  deprecated?: VersionRange[];
  /** What to use instead (a dotted path for imports, a name for arguments/keys). */
  replacement?: string;
  /** For replacements that live in a provider distribution, its pip name. */
  replacementProvider?: string;
  /** Free-text explanation shown in hovers/messages. */
  note?: string;
  evidence: Evidence[];
}

/** modules.json: keys are dotted module paths ("airflow.operators.bash"). */
export interface ModulesData {
  scannedVersions: string[];
  modules: Record<string, Availability>;
  /** keys are "module:Name" ("airflow.operators.bash:BashOperator"). */
  names: Record<string, Availability>;
}

/** arguments.json: keys are callable ids ("DAG", "BaseOperator", "task") then argument names. */
export interface ArgumentsData {
  scannedVersions: string[];
  callables: Record<string, { note?: string; arguments: Record<string, Availability> }>;
}

/** context.json: template variables / task context keys ("execution_date", "ds", "ti"). */
export interface ContextData {
  scannedVersions: string[];
  keys: Record<string, Availability>;
}

/** features.json: language features (dynamic task mapping, datasets, assets, setup/teardown …). */
export interface FeaturesData {
  features: Record<string, Availability & { title: string }>;
}

/** releases.json: every Airflow release with its supported Python range. */
export interface ReleaseInfo {
  version: string;
  date?: string;
  python: string[]; // supported Python minor versions, e.g. ["3.9","3.10","3.11","3.12"]
  yanked?: boolean;
  note?: string;
  confidence?: Confidence;
  evidence: Evidence[];
}
export interface ReleasesData {
  releases: ReleaseInfo[];
}

/** platforms.json (KB copy, generated from sources): what each managed platform offers. */
export interface PlatformVersion {
  /** Platform-specific version id: "2.10.3" (MWAA), image name (Composer), runtime tag (Astro). */
  id: string;
  /** "X.Y.Z"; only "X.Y" when the platform's exact Airflow patch is unknown (see `note`). */
  airflow: string;
  python: string;
  /** Other Python versions that platform version offers, if any (Astro -python-X.Y tags). */
  pythonAlternatives?: string[];
  status?: 'supported' | 'deprecated' | 'end-of-support' | 'yanked' | 'unknown';
  releaseDate?: string;
  endOfSupport?: string;
  /** Constraints file the platform installs with (MWAA). */
  constraintsUrl?: string;
  /**
   * The platform runs a Python that the Airflow release does not list as supported (e.g. Astro
   * Runtime 3.0.x: Airflow 2.1.1 on Python 3.9). Set by the generator; the Python is still right.
   */
  pythonBeyondUpstream?: boolean;
  /** This version is the platform's default for new environments (Composer). */
  isDefault?: boolean;
  note?: string;
  confidence?: Confidence;
  evidence: Evidence[];
}
/**
 * A family of platform versions resolved by pattern rather than listed one by one: Composer majors
 * ("composer-1" … "composer-3"; the Airflow version is in the image name) and Astro Runtime series
 * (old-format majors "3" … "13", new-format prefixes "3.0-" … for `X.Y-N`).
 */
export interface PlatformSeries {
  series: string;
  /** Airflow major.minor the whole series runs ("2.10"); absent for Composer (parsed from the name). */
  airflow?: string;
  /** Default Python. */
  python: string;
  /** Python to use instead when the image's Airflow does not support `python` (early Composer 2). */
  pythonFallback?: string;
  pythonAlternatives?: string[];
  status?: PlatformVersion['status'];
  note?: string;
  confidence?: Confidence;
  evidence: Evidence[];
}
export interface PlatformsData {
  mwaa: PlatformVersion[];
  composer: PlatformVersion[];
  astro: PlatformVersion[];
  series?: { composer: PlatformSeries[]; astro: PlatformSeries[] };
}

/** providers.json: provider distributions preinstalled per platform version (for AF141). */
export interface ProvidersData {
  /** key: "mwaa:2.10.3" / "composer:<image>" / "astro:<tag>" / "airflow:<version>" → pip names with versions */
  installed: Record<string, ProviderSet>;
}
/** `packages` maps pip names to the installed version, or "*" when the version is not pinned by the source. */
export interface ProviderSet {
  packages: Record<string, string>;
  note?: string;
  confidence?: Confidence;
  evidence: Evidence[];
}

/** images.json: providers the official apache/airflow image installs (its Dockerfile AIRFLOW_EXTRAS), per run of releases. */
export interface ImagesData {
  format: number;
  note: string;
  runs: { from: string; to: string; extras: string[]; evidence: { repo: string; path: string; ref: string; commit: string; note?: string }[] }[];
}
