import { getKnowledgeBase } from '../knowledge';
import type { GateDiagnostic } from './gate';

const PIN = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==\s*([A-Za-z0-9.+!-]+)\s*(?:;.*)?$/;
const norm = (n: string) => n.toLowerCase().replace(/[._]+/g, '-');

/**
 * requirements.txt pins that conflict with what the platform runs: an `apache-airflow` pin or a
 * constraints URL for another Airflow version (errors: the install fails or downgrades Airflow), and
 * provider pins that differ from the version the knowledge base says the platform preinstalls
 * (errors on MWAA, which installs under the constraints file; warnings elsewhere).
 */
export function checkRequirementPins(file: string, text: string, o: { airflowVersion: string; target?: string }): GateDiagnostic[] {
  const out: GateDiagnostic[] = [];
  const known = o.airflowVersion && o.airflowVersion !== 'unknown';
  const installed = o.target ? getKnowledgeBase().providersFor(o.target)?.packages : undefined;
  const installedNorm = new Map(Object.entries(installed ?? {}).map(([k, v]) => [norm(k), v]));
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\s+#.*$/, '');
    const c = /--constraint[ =]\S*constraints-(\d+\.\d+\.\d+)\//.exec(line);
    if (c && known && c[1] !== o.airflowVersion) {
      out.push({ file, line: i + 1, column: 1, code: 'DEPLOY002', severity: 'error', message: `constraints file is for Airflow ${c[1]} but the environment runs Airflow ${o.airflowVersion}` });
    }
    const m = PIN.exec(line);
    if (!m) return;
    const name = norm(m[1]);
    const version = m[3];
    if (name === 'apache-airflow' && known && version !== o.airflowVersion) {
      out.push({ file, line: i + 1, column: 1, code: 'DEPLOY001', severity: 'error', message: `apache-airflow==${version} conflicts with the environment's Airflow ${o.airflowVersion}` });
      return;
    }
    const pre = installedNorm.get(name);
    if (pre && pre !== version) {
      // MWAA installs requirements.txt under the Airflow constraints file (it adds the --constraint line
      // itself from 2.7.2 on), so a different pin makes pip's resolver fail: an error there.
      const mwaa = o.target?.startsWith('mwaa:');
      out.push({
        file, line: i + 1, column: 1, code: 'DEPLOY003', severity: mwaa ? 'error' : 'warning',
        message: mwaa
          ? `${m[1]}==${version} conflicts with ${pre} pinned by the constraints ${o.target} installs with; the requirements install would fail`
          : `${m[1]}==${version} differs from ${pre} that ${o.target} preinstalls`,
      });
    }
  });
  return out;
}
