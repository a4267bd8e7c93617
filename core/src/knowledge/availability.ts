import semver from 'semver';
import type { Availability, VersionRange } from './types';

/** Verdict of one knowledge-base fact for one Airflow version. */
export type AvailabilityStatus =
  | 'available' // usable, not deprecated
  | 'deprecated' // usable, emits a deprecation warning (has a replacement)
  | 'removed' // existed in an earlier version, gone in this one
  | 'notYet' // only exists in a later version
  | 'unavailable'; // never in a version ≤ this one nor later (e.g. dropped then re-added elsewhere)

/** Normalise "2.10" / "2.10.3+composer" / "3.1.7+astro.1" to a full semver "2.10.3". */
export function normaliseVersion(v: string): string {
  const base = v.trim().replace(/^v/, '').split('+')[0];
  const coerced = semver.coerce(base);
  if (!coerced) throw new Error(`not a version: ${v}`);
  return coerced.version;
}

export function inRange(version: string, r: VersionRange): boolean {
  const v = normaliseVersion(version);
  return semver.gte(v, normaliseVersion(r.from)) && (r.to === null || semver.lt(v, normaliseVersion(r.to)));
}

export function statusAt(av: Availability, version: string): AvailabilityStatus {
  if (av.available.some((r) => inRange(version, r))) {
    return av.deprecated?.some((r) => inRange(version, r)) ? 'deprecated' : 'available';
  }
  const v = normaliseVersion(version);
  const earlier = av.available.some((r) => semver.lt(normaliseVersion(r.from), v));
  const later = av.available.some((r) => semver.gt(normaliseVersion(r.from), v));
  if (later && !earlier) return 'notYet';
  if (earlier && !later) return 'removed';
  return later ? 'notYet' : 'unavailable';
}

/** First version the fact became available (for messages: "added in 2.3.0"). */
export function firstAvailable(av: Availability): string | undefined {
  return av.available.map((r) => normaliseVersion(r.from)).sort(semver.compare)[0];
}

/** First version after `version` in which it is no longer available (for "removed in 3.0.0"). */
export function removedIn(av: Availability, version?: string): string | undefined {
  const ends = av.available.map((r) => r.to).filter((t): t is string => t !== null).map(normaliseVersion).sort(semver.compare);
  if (!version) return ends[ends.length - 1];
  const v = normaliseVersion(version);
  return ends.filter((e) => semver.lte(e, v)).pop();
}

/** Human summary of the ranges: "1.10.0–2.10.5 (deprecated from 2.0.0)". */
export function describeAvailability(av: Availability): string {
  const fmt = (r: VersionRange) => (r.to ? `${r.from} – <${r.to}` : `${r.from}+`);
  const parts = [av.available.map(fmt).join(', ') || 'never'];
  if (av.deprecated?.length) parts.push(`deprecated in ${av.deprecated.map(fmt).join(', ')}`);
  return parts.join('; ');
}
