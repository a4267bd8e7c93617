import type {
  ArgumentsData, Availability, ContextData, FeaturesData, ImagesData, ModulesData, PlatformSeries, PlatformsData, ProvidersData, ReleaseInfo, ReleasesData,
} from './types';
import modulesJson from './data/modules.json';
import argumentsJson from './data/arguments.json';
import contextJson from './data/context.json';
import featuresJson from './data/features.json';
import releasesJson from './data/releases.json';
import platformsJson from './data/platforms.json';
import providersJson from './data/providers.json';
import imagesJson from './data/images.json';
import semver from 'semver';
import { inRange, normaliseVersion } from './availability';
import { hydrateArguments, hydrateContext, hydrateModules } from './compact';

export * from './types';
export * from './availability';

/** A feature of Airflow's DAG-authoring API, with how to recognise its use in code. */
export type FeatureFact = Availability & { title: string; detect: FeatureDetector[] };
/**
 * How the analyser recognises a feature:
 * - `decorator`: a decorator resolving to this dotted Airflow path after import resolution,
 *   e.g. "airflow.decorators.task.sensor" or the short form "task.sensor" (any `task` import).
 * - `method`: a method called on a task/operator/task-decorated call, e.g. "expand", "as_setup".
 * - `name`: an imported Airflow name, e.g. "airflow.datasets:Dataset".
 */
/** `operands`: `a | b` / `a & b` where an operand is an instance of that class (`Dataset(…) | Dataset(…)`). */
/** `receiver: 'task_group'`: only calls on a @task_group function (`group.expand(…)`); a plain `method` detector skips those when a receiver-specific one names the method. */
export type FeatureDetector = { decorator: string } | { method: string; receiver?: 'task_group' } | { name: string } | { operands: string };

/** Read-only query API over the generated JSON data. Loaded once per process. */
export class KnowledgeBase {
  constructor(
    private readonly modulesData: ModulesData,
    private readonly argumentsData: ArgumentsData,
    private readonly contextData: ContextData,
    private readonly featuresData: FeaturesData,
    private readonly releasesData: ReleasesData,
    private readonly platformsData: PlatformsData,
    private readonly providersData: ProvidersData,
    private readonly imagesData: ImagesData = { format: 1, note: '', runs: [] },
  ) {}

  /** Airflow versions whose sources were scanned for modules/arguments/context. */
  get scannedVersions(): string[] {
    return this.modulesData.scannedVersions;
  }
  module(path: string): Availability | undefined {
    return this.modulesData.modules[path];
  }
  name(module: string, name: string): Availability | undefined {
    return this.modulesData.names[`${module}:${name}`];
  }
  /*
   * Key lists and per-version argument lists are asked for by every file the rules lint. The data
   * records are lazily hydrating proxies (compact.ts): enumerating one asks for a property
   * descriptor, hence a hydrated fact, per key; the lists are made once and shared (read-only).
   */
  private keyLists = new Map<string, readonly string[]>();
  private keysOf(what: string, record: object): readonly string[] {
    let k = this.keyLists.get(what);
    if (!k) this.keyLists.set(what, (k = Object.freeze(Object.keys(record))));
    return k;
  }
  /** Every module path the knowledge base has facts for. */
  modulePaths(): readonly string[] {
    return this.keysOf('modules', this.modulesData.modules);
  }
  /** Every "module:Name" key the knowledge base has facts for. */
  nameKeys(): readonly string[] {
    return this.keysOf('names', this.modulesData.names);
  }
  private namesByModule?: Map<string, [string, Availability][]>;
  private childrenByModule?: Map<string, string[]>;
  /** Direct submodules of `module` that exist at `version` (`airflow.operators` → `bash`, `python` …). */
  submodulesOf(module: string, version: string): string[] {
    if (!this.childrenByModule) {
      this.childrenByModule = new Map();
      for (const path of Object.keys(this.modulesData.modules)) {
        const i = path.lastIndexOf('.');
        if (i < 0) continue;
        const parent = path.slice(0, i);
        const list = this.childrenByModule.get(parent) ?? [];
        list.push(path.slice(i + 1));
        this.childrenByModule.set(parent, list);
      }
    }
    return (this.childrenByModule.get(module) ?? []).filter((c) => this.modulesData.modules[`${module}.${c}`].available.some((r) => inRange(version, r)));
  }
  /** Public names importable from `module` at `version` (for `from module import *`). */
  namesOf(module: string, version: string): string[] {
    if (!this.namesByModule) {
      this.namesByModule = new Map();
      for (const [k, av] of Object.entries(this.modulesData.names)) {
        const i = k.indexOf(':');
        const m = k.slice(0, i);
        let list = this.namesByModule.get(m);
        if (!list) this.namesByModule.set(m, (list = []));
        list.push([k.slice(i + 1), av]);
      }
    }
    return (this.namesByModule.get(module) ?? []).filter(([, av]) => av.available.some((r) => inRange(version, r))).map(([n]) => n);
  }
  /** `callable` is "DAG", "BaseOperator", or an operator class name listed in arguments.json. */
  argument(callable: string, arg: string): Availability | undefined {
    return this.argumentsData.callables[callable]?.arguments[arg];
  }
  knowsCallable(callable: string): boolean {
    return callable in this.argumentsData.callables;
  }
  private argumentLists = new Map<string, readonly string[]>();
  argumentsOf(callable: string, version: string): readonly string[] {
    const key = `${callable}\u0000${version}`;
    let list = this.argumentLists.get(key);
    if (!list) {
      const c = this.argumentsData.callables[callable];
      list = Object.freeze(c ? this.keysOf(`arguments:${callable}`, c.arguments).filter((k) => c.arguments[k].available.some((r) => inRange(version, r))) : []);
      this.argumentLists.set(key, list);
    }
    return list;
  }
  contextKey(key: string): Availability | undefined {
    return this.contextData.keys[key];
  }
  contextKeys(): readonly string[] {
    return this.keysOf('context', this.contextData.keys);
  }
  feature(id: string): FeatureFact | undefined {
    return this.featuresData.features[id] as FeatureFact | undefined;
  }
  private featureList?: readonly [string, FeatureFact][];
  features(): readonly [string, FeatureFact][] {
    return (this.featureList ??= Object.freeze(Object.entries(this.featuresData.features) as [string, FeatureFact][]));
  }
  releases(): ReleaseInfo[] {
    return this.releasesData.releases;
  }
  platforms(): PlatformsData {
    return this.platformsData;
  }
  /**
   * The series a Composer image or Astro Runtime tag belongs to, also for ids not listed in
   * platforms.json: "composer-2.13.9-airflow-2.10.5" → composer-2; "12.5.0" → Runtime 12
   * (Airflow 2.10); "3.1-7" → "3.1-" (Airflow 3.1). Gives the default Python (use
   * `pythonFallback` when the image's Airflow release does not support `python`).
   */
  seriesFor(platform: 'composer' | 'astro', id: string): PlatformSeries | undefined {
    const list = this.platformsData.series?.[platform] ?? [];
    if (platform === 'composer') {
      const major = /^composer-(\d+)(?:[.-]|$)/.exec(id.trim())?.[1];
      return major ? list.find((s) => s.series === `composer-${major}`) : undefined;
    }
    const tag = id.trim();
    const newFormat = /^(\d+\.\d+)-\d+/.exec(tag);
    if (newFormat) return list.find((s) => s.series === `${newFormat[1]}-`);
    const major = /^(\d+)\.\d+\.\d+/.exec(tag)?.[1];
    return major ? list.find((s) => s.series === major) : undefined;
  }
  /** Provider distributions preinstalled for a target key ("mwaa:2.10.3", "airflow:2.9.2" …). */
  providersFor(targetKey: string): ProvidersData['installed'][string] | undefined {
    return this.providersData.installed[targetKey];
  }
  providerKeys(): string[] {
    return Object.keys(this.providersData.installed);
  }
  /**
   * Provider distributions the official apache/airflow image of an Airflow release adds on top of
   * the pip install (its Dockerfile AIRFLOW_EXTRAS, scripts/kb/image-extras.ts); releases after the
   * last scanned one keep its extras. Undefined before 2.0 (1.10 extras are not providers).
   */
  imageProviders(airflow: string): { packages: string[]; evidence: ImagesData['runs'][number]['evidence'] } | undefined {
    const v = normaliseVersion(airflow);
    if (semver.major(v) < 2) return undefined;
    let run: ImagesData['runs'][number] | undefined;
    for (const r of this.imagesData.runs) if (semver.lte(r.from, v)) run = r;
    if (!run) return undefined;
    return { packages: run.extras.map((e) => `apache-airflow-providers-${e}`), evidence: run.evidence };
  }
}

let instance: KnowledgeBase | undefined;
export function getKnowledgeBase(): KnowledgeBase {
  instance ??= new KnowledgeBase(
    hydrateModules(modulesJson),
    hydrateArguments(argumentsJson),
    hydrateContext(contextJson),
    featuresJson as unknown as FeaturesData,
    releasesJson as unknown as ReleasesData,
    platformsJson as unknown as PlatformsData,
    providersJson as unknown as ProvidersData,
    imagesJson as unknown as ImagesData,
  );
  return instance;
}
