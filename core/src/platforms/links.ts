/**
 * Light helpers (no SDK imports, safe to load at extension activation): the lint-target label of
 * an environment and deep links into the Airflow web UI.
 */
import type { EnvironmentConfig } from '../protocol/environments';
import { stripVendorSuffix } from './airflow';

/** Lint-target label for an environment's real version (for "Use as lint target"). */
export function targetLabel(platform: EnvironmentConfig['platform'], version: { airflowVersion?: string; image?: string }): string | undefined {
  switch (platform) {
    case 'mwaa':
      return version.airflowVersion ? `mwaa:${stripVendorSuffix(version.airflowVersion)}` : undefined;
    case 'composer':
      return version.image ? `composer:${version.image}` : undefined;
    case 'astro':
      return version.image ? `astro:${version.image}` : version.airflowVersion ? `airflow:${stripVendorSuffix(version.airflowVersion)}` : undefined;
    case 'airflow':
      return version.airflowVersion ? `airflow:${stripVendorSuffix(version.airflowVersion)}` : undefined;
  }
}

/** Web-UI deep links (Airflow 2 Flask UI and Airflow 3 React UI differ). */
export function webLinks(webUrl: string, airflowMajor: number) {
  const base = webUrl.replace(/\/+$/, '');
  const e = encodeURIComponent;
  return airflowMajor >= 3
    ? {
        home: `${base}/`,
        dag: (dagId: string) => `${base}/dags/${e(dagId)}`,
        run: (dagId: string, runId: string) => `${base}/dags/${e(dagId)}/runs/${e(runId)}`,
        task: (dagId: string, runId: string, taskId: string) => `${base}/dags/${e(dagId)}/runs/${e(runId)}/tasks/${e(taskId)}`,
      }
    : {
        home: `${base}/home`,
        dag: (dagId: string) => `${base}/dags/${e(dagId)}/grid`,
        run: (dagId: string, runId: string) => `${base}/dags/${e(dagId)}/grid?dag_run_id=${e(runId)}`,
        task: (dagId: string, runId: string, taskId: string) => `${base}/dags/${e(dagId)}/grid?dag_run_id=${e(runId)}&task_id=${e(taskId)}&tab=logs`,
      };
}
