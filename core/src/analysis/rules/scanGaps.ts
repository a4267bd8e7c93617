import semver from 'semver';
import { inRange, normaliseVersion, statusAt, type Availability, type AvailabilityStatus } from '../../knowledge';
import type { RuleContext } from '../rule';

/**
 * The knowledge base reads Airflow's sources at selected releases (every 1.10/2.x tag, but only
 * x.y.0 for Airflow 3). A target between two scanned releases (e.g. 3.0.6 between 3.0.0 and
 * 3.1.0) may already have what first appears in the later scan: Airflow backports compatibility
 * shims to patch releases (3.0.1 restored `airflow.operators.python.get_current_context`, 3.0.2
 * `airflow.operators.email`). Such "not yet" verdicts for something that existed before and came
 * back are uncertain and must not be errors.
 */
export function addedBetweenScans(ctx: RuleContext, av: Availability): { before: string; after: string } | undefined {
  const scanned = ctx.kb.scannedVersions;
  if (!scanned.length) return undefined;
  const v = normaliseVersion(ctx.target.airflow);
  if (scanned.some((s) => normaliseVersion(s) === v)) return undefined;
  const sorted = scanned.map(normaliseVersion).sort(semver.compare);
  const before = sorted.filter((s) => semver.lt(s, v)).pop();
  const after = sorted.find((s) => semver.gt(s, v));
  if (!before || !after) return undefined;
  const at = (x: string) => av.available.some((r) => inRange(x, r));
  // Only restorations: the fact existed before `before` (a shim put back), never a brand-new API
  // (airflow.sdk is not in any 2.11.x, whatever lies between 2.11.1 and 3.0.0).
  const existedEarlier = av.available.some((r) => semver.lt(normaliseVersion(r.from), before));
  return existedEarlier && !at(before) && at(after) ? { before, after } : undefined;
}

/** Sentence explaining an uncertain verdict, for messages. */
export function uncertainNote(ctx: RuleContext, gap: { before: string; after: string }): string {
  return ` Airflow ${ctx.target.airflow} lies between the releases the knowledge base read (${gap.before} lacks it, ${gap.after} has it); patch releases sometimes backport it, so check before relying on it.`;
}

/**
 * `statusAt` memoised per fact and version: the version rules ask the same question for every
 * occurrence of a symbol, and each answer re-parses version strings.
 */
const statusCache = new WeakMap<Availability, Map<string, AvailabilityStatus>>();
export function cachedStatus(av: Availability, version: string): AvailabilityStatus {
  let m = statusCache.get(av);
  if (!m) statusCache.set(av, (m = new Map()));
  let st = m.get(version);
  if (!st) m.set(version, (st = statusAt(av, version)));
  return st;
}

/**
 * A fact's note in a message. For something the target no longer has, a note that is Airflow's own
 * deprecation warning ("… is deprecated and will be removed …") is quoted as what earlier releases
 * said, so a removal verdict does not read like a deprecation.
 */
export function noteFor(note: string | undefined, status: string): string {
  if (!note) return '';
  if ((status === 'removed' || status === 'unavailable') && /deprecated|will be removed/i.test(note)) return ` Earlier releases warned: "${note.trim()}"`;
  return ` ${note}`;
}

/**
 * The knowledge base keeps one replacement per deprecated fact: the newest one. Some shims pointed
 * elsewhere in older releases: on Airflow 2.0–2.3 `airflow.sensors.sql_sensor` imports the core
 * `airflow.sensors.sql`, and only from 2.4 (`airflow/sensors/__init__.py` deprecation map) the
 * common-sql provider's module, which 2.0–2.3 platforms do not install. When a core fact that is
 * still undeprecated at the target moved to the same provider path later, that core fact is where
 * the shim leads at the target (no provider involved); else the stored replacement stands.
 */
export function replacementAt(ctx: RuleContext, av: Availability): { replacement?: string; provider?: string } {
  const r = av.replacement;
  if (!r?.startsWith('airflow.providers.')) return { replacement: r, provider: av.replacementProvider };
  const core = coreHomes(ctx).get(r);
  const home = core?.find(([, c]) => cachedStatus(c, ctx.target.airflow) === 'available');
  return home ? { replacement: home[0] } : { replacement: r, provider: av.replacementProvider };
}

const homesCache = new WeakMap<object, Map<string, [string, Availability][]>>();
/** Provider path → the core modules/names (`a.b.Name`) whose deprecation points there. */
function coreHomes(ctx: RuleContext): Map<string, [string, Availability][]> {
  let m = homesCache.get(ctx.kb);
  if (m) return m;
  m = new Map();
  const add = (path: string, av: Availability | undefined) => {
    if (!av?.replacement?.startsWith('airflow.providers.') || !av.deprecated?.length) return;
    const list = m!.get(av.replacement) ?? [];
    list.push([path, av]);
    m!.set(av.replacement, list);
  };
  for (const p of ctx.kb.modulePaths()) add(p, ctx.kb.module(p));
  for (const k of ctx.kb.nameKeys()) {
    const i = k.indexOf(':');
    add(`${k.slice(0, i)}.${k.slice(i + 1)}`, ctx.kb.name(k.slice(0, i), k.slice(i + 1)));
  }
  homesCache.set(ctx.kb, m);
  return m;
}
