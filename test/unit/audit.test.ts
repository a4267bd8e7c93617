import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lintText } from '../../core/src/analysis/engine';
import { getKnowledgeBase, statusAt } from '../../core/src/knowledge';
import { resolveTargetLabel } from '../../core/src/targets';

/**
 * Correctness audit (test/fixtures/audit/*.py): DAG files written the way users of each Airflow
 * era write them, linted against several targets. For every file and target the findings must be
 * exactly the expected ones: `CODE:line` for an error, `CODE:line:w` for a warning (every rule,
 * every severity; order-insensitive, duplicates count). Each verdict was checked against Airflow's
 * sources at the release tags (see the commit messages and docs/knowledge-base.md); a valid DAG for
 * a target has no error-severity entry.
 */
const DIR = path.resolve(__dirname, '..', 'fixtures', 'audit');

const EXPECTED: Record<string, Record<string, string[]>> = {
  'a110_contrib_s3_ssh.py': {
    'mwaa:1.10.12': [],
    'mwaa:2.0.2': ['AF103:8:w', 'AF141:8:w', 'AF103:9:w', 'AF103:10:w', 'AF103:11:w', 'AF103:12:w', 'AF112:53:w'],
    'mwaa:2.10.3': ['AF103:8:w', 'AF141:8:w', 'AF103:9:w', 'AF103:10:w', 'AF103:11:w', 'AF103:12:w', 'AF112:32:w', 'AF112:53:w'],
    'mwaa:3.0.6': ['AF101:8', 'AF101:9', 'AF101:10', 'AF101:11', 'AF101:12', 'AF111:32', 'AF111:53'],
  },
  'a110_branch_templates.py': {
    'mwaa:1.10.12': ['AF221:8:w'],
    'mwaa:2.0.2': ['AF103:3:w', 'AF103:4:w', 'AF103:4:w', 'AF221:8:w', 'AF112:23:w', 'AF112:30:w'],
    'mwaa:2.10.3': ['AF103:3:w', 'AF103:4:w', 'AF103:4:w', 'AF103:5:w', 'AF221:8:w', 'AF112:10:w', 'AF121:14:w', 'AF121:20:w', 'AF121:20:w', 'AF112:23:w', 'AF112:30:w', 'AF121:31:w', 'AF121:31:w'],
    'mwaa:3.0.6': ['AF101:3', 'AF101:4', 'AF101:5', 'AF221:8:w', 'AF111:10', 'AF121:14', 'AF121:20', 'AF121:20', 'AF111:23', 'AF111:30', 'AF121:31', 'AF121:31'],
  },
  'a110_trigger_subdag.py': {
    'airflow:1.10.15': [],
    'mwaa:2.0.2': ['AF103:5:w', 'AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF111:38'],
    'mwaa:2.10.3': ['AF103:5:w', 'AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF112:19:w', 'AF112:27:w', 'AF111:38'],
    'mwaa:3.0.6': ['AF101:5', 'AF101:6', 'AF101:7', 'AF101:8', 'AF111:19', 'AF111:27', 'AF111:38'],
  },
  'a110_http_slack.py': {
    'mwaa:1.10.12': ['AF201:11', 'AF111:39:w'],
    'mwaa:2.0.2': ['AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF103:9:w', 'AF141:9:w', 'AF201:11'],
    'mwaa:2.10.3': ['AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF103:9:w', 'AF141:9:w', 'AF201:11', 'AF112:16:w', 'AF121:30:w'],
    'mwaa:3.0.6': ['AF101:6', 'AF101:7', 'AF101:8', 'AF101:9', 'AF201:11', 'AF111:16', 'AF112:18:w', 'AF112:18:w', 'AF121:30'],
  },
  'a110_composer_bq.py': {
    'composer:composer-1.20.12-airflow-1.10.15': ['AF221:13:w', 'AF211:17:w'],
    'astro:4.0.3': ['AF103:5:w', 'AF141:5:w', 'AF103:6:w', 'AF141:6:w', 'AF103:7:w', 'AF221:13:w', 'AF211:17:w'],
    'composer:composer-2.9.7-airflow-2.9.3': ['AF103:5:w', 'AF103:6:w', 'AF103:7:w', 'AF221:13:w', 'AF211:17:w', 'AF112:20:w'],
    'mwaa:3.0.6': ['AF101:5', 'AF101:6', 'AF101:7', 'AF221:13:w', 'AF211:17:w', 'AF111:20'],
  },
  'v110_kitchen.py': {
    'mwaa:1.10.12': ['AF221:22:w'],
    'composer:composer-1.20.12-airflow-1.10.15': ['AF221:22:w'],
    'mwaa:2.0.2': ['AF103:7:w', 'AF103:8:w', 'AF103:8:w', 'AF103:9:w', 'AF103:10:w', 'AF103:11:w', 'AF103:12:w', 'AF103:12:w', 'AF103:13:w', 'AF141:13:w', 'AF103:14:w', 'AF103:15:w', 'AF141:15:w', 'AF221:22:w', 'AF112:60:w', 'AF112:61:w', 'AF111:63'],
    'mwaa:2.10.3': ['AF103:7:w', 'AF103:8:w', 'AF103:8:w', 'AF103:9:w', 'AF103:10:w', 'AF103:11:w', 'AF103:12:w', 'AF103:12:w', 'AF103:13:w', 'AF103:14:w', 'AF103:15:w', 'AF221:22:w', 'AF103:22:w', 'AF121:38:w', 'AF121:38:w', 'AF121:38:w', 'AF112:48:w', 'AF112:49:w', 'AF112:60:w', 'AF112:61:w', 'AF121:63:w', 'AF121:63:w', 'AF111:63'],
    'mwaa:3.0.6': ['AF101:7', 'AF101:8', 'AF101:9', 'AF101:10', 'AF101:11', 'AF101:12', 'AF101:12', 'AF101:13', 'AF101:14', 'AF101:15', 'AF221:22:w', 'AF101:22', 'AF112:26:w', 'AF121:38', 'AF121:38', 'AF121:38', 'AF111:48', 'AF111:49', 'AF111:60', 'AF111:61', 'AF121:63', 'AF121:63', 'AF111:63'],
  },
  'a20_taskflow_etl.py': {
    'mwaa:1.10.12': ['AF102:4', 'AF131:10', 'AF221:10:w', 'AF131:12', 'AF131:17', 'AF131:24'],
    'mwaa:2.0.2': ['AF221:10:w', 'AF121:25'],
    'astro:5.0.0': ['AF103:5:w', 'AF221:10:w'],
    'mwaa:2.4.3': ['AF103:5:w', 'AF112:10:w', 'AF221:10:w'],
    'mwaa:3.0.6': ['AF101:5', 'AF111:10', 'AF221:10:w'],
  },
  'a20_taskflow_context.py': {
    'mwaa:2.0.2': ['AF121:11', 'AF121:11', 'AF121:16', 'AF121:16'],
    'astro:3.0.4': [],
    'mwaa:2.10.3': ['AF112:8:w'],
  },
  'a21_dummy_taskgroup_latest.py': {
    'mwaa:1.10.12': ['AF102:5', 'AF102:6', 'AF102:7', 'AF102:8', 'AF102:9', 'AF102:10'],
    'mwaa:2.0.2': ['AF102:10'],
    'astro:3.0.4': [],
    'mwaa:2.2.2': ['AF112:31:w'],
    'mwaa:2.10.3': ['AF103:6:w', 'AF112:22:w', 'AF112:31:w'],
    'mwaa:3.0.6': ['AF103:5:w', 'AF101:6', 'AF103:7:w', 'AF103:8:w', 'AF111:22', 'AF111:26', 'AF111:27', 'AF111:31'],
  },
  'a22_params_native.py': {
    'mwaa:2.0.2': ['AF102:5', 'AF121:11', 'AF121:11', 'AF121:22', 'AF121:22', 'AF111:30'],
    'astro:3.0.4': ['AF102:5', 'AF121:11', 'AF121:11', 'AF121:22', 'AF121:22'],
    'mwaa:2.2.2': [],
    'mwaa:2.10.3': ['AF112:29:w'],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:6:w', 'AF111:29', 'AF112:32:w', 'AF112:34:w'],
  },
  'a22_astro4_sensors.py': {
    'composer:composer-1.20.12-airflow-1.10.15': ['AF102:5', 'AF102:6', 'AF102:8', 'AF102:9'],
    'astro:3.0.4': [],
    'astro:4.0.3': ['AF121:20:w'],
    'mwaa:2.10.3': ['AF103:9:w', 'AF121:20:w', 'AF112:27:w'],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF101:9', 'AF121:20', 'AF111:27'],
  },
  'a23_dynamic_mapping.py': {
    'mwaa:2.2.2': ['AF102:7', 'AF131:30', 'AF131:31'],
    'astro:5.0.0': [],
    'mwaa:2.10.3': ['AF112:12:w'],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:7:w', 'AF111:12'],
  },
  'a24_datasets.py': {
    'astro:5.0.0': ['AF102:6', 'AF111:16', 'AF111:25', 'AF121:30'],
    'mwaa:2.4.3': [],
    'mwaa:2.10.3': [],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:8:w', 'AF121:30'],
    'airflow:3.2.0': ['AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF121:30'],
  },
  'a24_k8s_docker_decorators.py': {
    'mwaa:2.2.2': ['AF141:4:w', 'AF111:7', 'AF141:9:w', 'AF131:13', 'AF141:13:w'],
    'mwaa:2.10.3': ['AF141:4:w', 'AF141:9:w', 'AF141:13:w'],
    'composer:composer-3-airflow-2.10.5-build.5': [],
    'astro:12.8.0': ['AF141:9:w'],
    'mwaa:3.0.6': ['AF141:4:w', 'AF141:9:w', 'AF141:13:w'],
  },
  'a25_taskflow_decorators.py': {
    'mwaa:2.2.2': ['AF102:5', 'AF102:6', 'AF111:10', 'AF131:17', 'AF131:21', 'AF131:25'],
    'astro:5.0.0': ['AF111:10', 'AF131:17', 'AF131:25'],
    'mwaa:2.4.3': ['AF131:17'],
    'mwaa:2.6.3': [],
    'mwaa:3.0.6': ['AF103:5:w'],
    'airflow:3.2.0': ['AF103:4:w', 'AF103:4:w', 'AF103:4:w', 'AF103:5:w', 'AF103:6:w'],
  },
  'a26_jinja_macros.py': {
    'mwaa:2.2.2': ['AF141:7:w', 'AF111:28', 'AF121:47'],
    'mwaa:2.4.3': ['AF121:47'],
    'mwaa:2.6.3': [],
    // round 2: {{ expanded_ti_count }} is not in Airflow 3's task context (task-sdk task_runner.py get_template_context, 3.0.0–3.2.0)
    'mwaa:3.0.6': ['AF103:5:w', 'AF103:6:w', 'AF121:47'],
  },
  'a26_fstring_format.py': {
    'mwaa:2.2.2': ['AF121:14:w', 'AF121:18:w'],
    'mwaa:2.10.3': ['AF112:10:w', 'AF121:14:w', 'AF121:18:w'],
    'mwaa:3.0.6': ['AF103:5:w', 'AF111:10', 'AF121:14', 'AF121:18'],
  },
  'a26_continuous_sensors.py': {
    'mwaa:2.5.1': ['AF222:14', 'AF111:26'],
    'mwaa:2.6.3': ['AF112:20:w'],
    'mwaa:2.11.0': ['AF112:20:w'],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF103:9:w', 'AF111:20'],
  },
  'a27_setup_teardown.py': {
    'mwaa:2.4.3': ['AF102:4', 'AF102:4', 'AF102:5', 'AF131:11', 'AF131:15', 'AF131:27', 'AF131:28', 'AF131:35'],
    'mwaa:2.6.3': ['AF102:5', 'AF131:11', 'AF131:15', 'AF131:27', 'AF131:28', 'AF131:35'],
    'mwaa:2.8.1': [],
    'mwaa:3.0.6': ['AF103:6:w'],
    'airflow:3.2.0': ['AF103:4:w', 'AF103:4:w', 'AF103:4:w', 'AF103:4:w', 'AF103:5:w', 'AF103:5:w', 'AF103:5:w', 'AF103:6:w'],
  },
  'a29_bash_decorator_runif.py': {
    'mwaa:2.8.1': ['AF111:7', 'AF131:9', 'AF131:13', 'AF131:18', 'AF131:19'],
    'composer:composer-2.9.7-airflow-2.9.3': ['AF131:13', 'AF131:18'],
    'mwaa:2.10.3': [],
    'mwaa:3.0.6': [],
  },
  'a29_conditional_datasets.py': {
    'mwaa:2.8.1': ['AF102:5', 'AF131:13', 'AF131:24'],
    'mwaa:2.9.2': [],
    // round 3: DatasetOrTimeSchedule.__new__ warns in 3.0–3.1 (airflow-core timetables/datasets.py) → AF103:5
    'mwaa:3.0.6': ['AF103:3:w', 'AF103:5:w', 'AF121:16'],
    'airflow:3.1.0': ['AF103:3:w', 'AF103:4:w', 'AF103:4:w', 'AF103:5:w', 'AF121:16'],
  },
  'a210_dynamic_generation.py': {
    'mwaa:2.2.2': ['AF102:6', 'AF141:7:w', 'AF111:20'],
    'mwaa:2.10.3': ['AF141:7:w'],
    'composer:composer-3-airflow-2.10.5-build.5': [],
    'mwaa:3.0.6': ['AF103:6:w', 'AF141:7:w'],
  },
  'a211_mwaa.py': {
    'mwaa:2.6.3': ['AF102:5', 'AF111:18', 'AF111:19', 'AF111:28', 'AF131:33', 'AF121:34', 'AF131:35'],
    'mwaa:2.9.2': ['AF102:5', 'AF131:33', 'AF121:34', 'AF131:35'],
    'mwaa:2.10.3': [],
    'mwaa:2.11.0': ['AF121:31:w'],
    'mwaa:3.0.6': ['AF103:5:w', 'AF103:5:w', 'AF103:7:w', 'AF103:8:w', 'AF111:19', 'AF121:31'],
  },
  'a30_sdk_assets.py': {
    'mwaa:2.10.3': ['AF102:6', 'AF141:7:w', 'AF141:8:w', 'AF131:10', 'AF131:11', 'AF121:23', 'AF111:31'],
    'mwaa:2.11.0': ['AF102:6', 'AF141:7:w', 'AF141:8:w', 'AF131:10', 'AF131:11', 'AF121:23', 'AF111:31'],
    'mwaa:3.0.6': [],
    'composer:composer-3-airflow-3.1.0-build.2': [],
    'airflow:3.2.0': [],
    'mwaa:3.3.1': [],
  },
  'a30_migrated_badly.py': {
    'mwaa:2.10.3': ['AF121:11:w', 'AF121:11:w', 'AF121:12:w', 'AF121:18:w', 'AF112:24:w', 'AF112:25:w', 'AF112:33:w', 'AF121:33:w'],
    'mwaa:2.11.0': ['AF121:11:w', 'AF121:11:w', 'AF121:11:w', 'AF121:12:w', 'AF121:18:w', 'AF112:24:w', 'AF112:25:w', 'AF112:33:w', 'AF121:33:w'],
    'mwaa:3.0.6': ['AF103:5:w', 'AF103:5:w', 'AF103:6:w', 'AF103:7:w', 'AF121:11', 'AF121:11', 'AF121:11', 'AF121:12', 'AF121:13', 'AF121:18', 'AF111:24', 'AF111:25', 'AF111:26', 'AF112:27:w', 'AF112:28:w', 'AF111:33', 'AF121:33'],
    'composer:composer-3-airflow-3.1.0-build.2': ['AF103:5:w', 'AF103:5:w', 'AF103:6:w', 'AF103:7:w', 'AF121:11', 'AF121:11', 'AF121:11', 'AF121:12', 'AF121:13', 'AF121:18', 'AF111:24', 'AF111:25', 'AF111:26', 'AF111:27', 'AF112:28:w', 'AF111:33', 'AF121:33'],
    'airflow:3.2.0': ['AF103:5:w', 'AF103:5:w', 'AF103:6:w', 'AF103:7:w', 'AF121:11', 'AF121:11', 'AF121:11', 'AF121:12', 'AF121:13', 'AF121:18', 'AF111:24', 'AF111:25', 'AF111:26', 'AF112:27:w', 'AF112:28:w', 'AF111:33', 'AF121:33'],
  },
  'a30_standard_sensors.py': {
    'mwaa:2.10.3': ['AF102:4', 'AF141:5:w', 'AF141:6:w', 'AF141:7:w', 'AF141:8:w', 'AF141:9:w'],
    'mwaa:3.0.6': [],
    'composer:composer-3-airflow-3.1.0-build.2': ['AF103:10:w'],
    'mwaa:3.3.1': ['AF103:10:w'],
  },
  'a30_asset_decorator.py': {
    'mwaa:2.8.1': ['AF102:2', 'AF141:3:w', 'AF131:6', 'AF131:12', 'AF131:18', 'AF131:18', 'AF221:22', 'AF121:25'],
    'mwaa:2.10.3': ['AF102:2', 'AF141:3:w', 'AF131:6', 'AF131:12', 'AF131:18', 'AF131:18', 'AF221:22', 'AF121:25'],
    'mwaa:3.0.6': [],
    'astro:3.0-4': [],
    'airflow:3.1.0': [],
  },
  // Airflow 3.3 retry policies (AIP-105): airflow.sdk.definitions.retry_policy and BaseOperator(retry_policy=…) are
  // new in 3.3 (apache/airflow providers/common/compat/_retry_policy.py: "Retry policies arrived in Airflow 3.3");
  // the 3.2.0 and 3.0.4 sources have neither, and BaseOperator raises "Invalid arguments were passed" for the keyword
  'a33_retry_policy.py': {
    'mwaa:2.10.3': ['AF141:6:w', 'AF102:7', 'AF102:8', 'AF131:10', 'AF111:22', 'AF111:30'],
    'mwaa:3.0.6': ['AF102:8', 'AF111:22', 'AF111:30'],
    'mwaa:3.2.1': ['AF102:8', 'AF111:22', 'AF111:30'],
    'mwaa:3.3.1': [],
  },
  'a31_airflow3_models_imports.py': {
    'mwaa:2.10.3': ['AF102:3', 'AF141:8:w'],
    'mwaa:3.0.6': [],
    'airflow:3.1.0': ['AF103:5:w', 'AF103:6:w', 'AF103:7:w'],
    'airflow:3.2.0': ['AF103:5:w', 'AF103:6:w', 'AF103:7:w'],
  },
  'v2_misc_valid.py': {
    'mwaa:2.2.2': ['AF102:7', 'AF111:70', 'AF111:73'],
    'mwaa:2.4.3': ['AF112:46:w'],
    'mwaa:2.10.3': ['AF112:46:w'],
    'mwaa:3.0.6': ['AF103:12:w', 'AF103:13:w', 'AF103:13:w', 'AF103:14:w', 'AF103:14:w', 'AF111:46'],
  },
  'v3_kitchen.py': {
    'mwaa:2.10.3': ['AF102:7', 'AF102:24', 'AF102:26', 'AF141:27:w', 'AF131:32', 'AF131:33', 'AF131:67'],
    'mwaa:3.0.6': [],
    'composer:composer-3-airflow-3.1.0-build.2': [],
    'airflow:3.2.0': ['AF103:29:w'],
  },
  't_compat_imports.py': {
    'mwaa:2.2.2': ['AF111:27'],
    'mwaa:2.6.3': [],
    'mwaa:2.10.3': [],
    'mwaa:3.0.6': [],
    'airflow:3.2.0': [],
  },
  't_aliases_star.py': {
    'mwaa:1.10.12': ['AF221:11:w', 'AF221:23:w'],
    'mwaa:2.2.2': ['AF103:3:w', 'AF103:4:w', 'AF221:11:w', 'AF112:22:w', 'AF221:23:w'],
    'mwaa:2.10.3': ['AF103:3:w', 'AF103:4:w', 'AF112:10:w', 'AF221:11:w', 'AF103:11:w', 'AF112:22:w', 'AF112:23:w', 'AF221:23:w', 'AF103:23:w'],
    'mwaa:3.0.6': ['AF101:3', 'AF101:4', 'AF111:10', 'AF221:11:w', 'AF101:11', 'AF111:22', 'AF111:23', 'AF221:23:w', 'AF101:23'],
  },
  't_callables.py': {
    'mwaa:2.0.2': [],
    'mwaa:2.10.3': ['AF121:10:w', 'AF121:10:w', 'AF121:23:w', 'AF112:41:w', 'AF121:46:w'],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:6:w', 'AF103:7:w', 'AF121:10', 'AF121:10', 'AF121:23', 'AF111:41', 'AF121:46'],
  },
  't_trigger_rules.py': {
    'mwaa:2.0.2': ['AF111:20', 'AF111:22', 'AF111:23'],
    'mwaa:2.2.2': ['AF112:18:w', 'AF112:19:w', 'AF112:21:w', 'AF111:22', 'AF111:23'],
    'mwaa:2.4.3': ['AF112:12:w', 'AF112:18:w', 'AF112:19:w', 'AF112:21:w', 'AF111:22', 'AF111:23'],
    'mwaa:2.10.3': ['AF112:12:w', 'AF112:18:w', 'AF112:19:w', 'AF112:21:w', 'AF111:23'],
    'mwaa:3.0.6': ['AF103:5:w', 'AF103:6:w', 'AF111:12', 'AF111:18', 'AF111:19', 'AF111:21', 'AF111:23'],
  },
  'h_helpers.py': {
    'mwaa:1.10.12': ['AF102:8'],
    'mwaa:2.2.2': [],
    'mwaa:2.10.3': [],
    'mwaa:3.0.6': [],
  },
  'h_plugin.py': {
    'mwaa:1.10.12': [],
    'mwaa:2.2.2': ['AF103:4:w', 'AF121:19:w'],
    'mwaa:2.10.3': ['AF103:4:w', 'AF121:19:w'],
    'mwaa:3.0.6': ['AF101:4', 'AF121:19'],
  },
  'h_not_airflow.py': {
    'mwaa:2.10.3': ['AF201:4:w', 'AF001:9'],
  },
  'p_aws_mwaa.py': {
    'mwaa:2.6.3': ['AF141:11:w', 'AF141:12:w', 'AF141:13:w'],
    'mwaa:2.10.3': ['AF141:11:w', 'AF141:12:w', 'AF141:13:w'],
    'composer:composer-2.9.7-airflow-2.9.3': [],
    'astro:11.8.0': ['AF141:11:w', 'AF141:12:w', 'AF141:13:w'],
    'airflow:2.9.2': ['AF141:5:w', 'AF141:6:w', 'AF141:7:w', 'AF141:8:w', 'AF141:9:w', 'AF141:11:w', 'AF141:12:w', 'AF141:13:w'],
  },
  'p_gcp_composer.py': {
    'mwaa:2.10.3': ['AF141:5:w', 'AF141:6:w', 'AF141:7:w', 'AF141:8:w'],
    'composer:composer-2.9.7-airflow-2.9.3': [],
    'astro:11.8.0': [],
    'airflow:2.9.2': ['AF141:5:w', 'AF141:6:w', 'AF141:7:w', 'AF141:8:w'],
  },
  's_credentials.py': {
    'mwaa:2.10.3': ['AF201:10', 'AF201:11', 'AF201:12:w', 'AF201:17', 'AF201:21:w', 'AF201:25:w', 'AF201:29:w', 'AF201:41:w'],
    'composer:composer-2.9.7-airflow-2.9.3': ['AF201:10', 'AF201:11', 'AF201:12:w', 'AF201:17', 'AF201:21:w', 'AF201:25:w', 'AF201:29:w', 'AF201:41:w'],
    'mwaa:3.0.6': ['AF103:7:w', 'AF103:8:w', 'AF201:10', 'AF201:11', 'AF201:12:w', 'AF201:17', 'AF201:21:w', 'AF201:25:w', 'AF201:29:w', 'AF201:41:w'],
  },
  's_toplevel.py': {
    'mwaa:2.2.2': ['AF211:14:w', 'AF211:15:w', 'AF211:16:w', 'AF211:17:w', 'AF211:18:w', 'AF111:27', 'AF211:28:w'],
    'mwaa:2.10.3': ['AF211:14:w', 'AF211:15:w', 'AF211:16:w', 'AF211:17:w', 'AF211:18:w', 'AF211:28:w'],
    'mwaa:3.0.6': ['AF103:11:w', 'AF211:14:w', 'AF211:15:w', 'AF211:16:w', 'AF211:17:w', 'AF211:18:w', 'AF211:28:w'],
  },
  's_syntax_error.py': {
    'mwaa:2.6.3': ['AF001:7'],
    'mwaa:3.0.6': ['AF103:4:w', 'AF001:7'],
  },
  's_py_syntax.py': {
    'mwaa:2.2.2': ['AF151:9', 'AF111:16', 'AF151:19', 'AF151:20', 'AF151:22'],
    'composer:composer-2.0.2-airflow-2.1.4': ['AF151:9', 'AF111:16', 'AF151:19'],
    'astro:3.0.4': ['AF151:9', 'AF111:16', 'AF151:19'],
    'mwaa:2.6.3': [],
  },
  's_structure.py': {
    'mwaa:1.10.12': ['AF102:5', 'AF102:6', 'AF221:8', 'AF111:8', 'AF111:11', 'AF222:11', 'AF111:14', 'AF222:14', 'AF111:17', 'AF222:17', 'AF225:21:w', 'AF224:23', 'AF221:25', 'AF111:25', 'AF111:28', 'AF111:31'],
    'mwaa:2.4.3': ['AF221:8', 'AF222:11', 'AF222:14', 'AF222:17', 'AF225:21', 'AF224:23', 'AF221:25'],
    'mwaa:2.6.3': ['AF221:8', 'AF222:11', 'AF222:14', 'AF225:21', 'AF224:23', 'AF221:25'],
    'mwaa:2.10.3': ['AF221:8', 'AF222:11', 'AF222:14', 'AF225:21', 'AF224:23'],
    'mwaa:3.0.6': ['AF103:5:w', 'AF103:6:w', 'AF222:11', 'AF222:14', 'AF225:21', 'AF224:23'],
  },
  't_own_parameters.py': {
    // needs_value(start_date) called without it: 2.0–2.7 bind the signature as written (TypeError);
    // 2.8 defaults context-key parameters to None first (#33430, airflow/decorators/base.py 2.8.0).
    'mwaa:2.0.2': ['AF111:29'],
    'mwaa:2.10.3': ['AF121:13:w', 'AF112:17:w'],
    'mwaa:3.0.6': ['AF103:6:w', 'AF121:13', 'AF111:17'],
  },
  't_jinja_edges.py': {
    'mwaa:2.2.2': ['AF111:7', 'AF121:13:w'],
    'mwaa:2.10.3': ['AF121:13:w'],
    'mwaa:3.0.6': ['AF103:5:w', 'AF121:13'],
  },
  's_groups_loops_valid.py': {
    'mwaa:2.4.3': [],
    'mwaa:2.10.3': [],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:7:w'],
    'airflow:3.1.0': ['AF103:4:w', 'AF103:4:w', 'AF103:5:w', 'AF103:6:w', 'AF103:7:w', 'AF103:8:w'],
  },
  // Round 2 (b_*): TaskFlow decorator variants, keyword typos, .override().
  'b_taskflow_variants.py': {
    'mwaa:2.2.2': ['AF102:5', 'AF111:11', 'AF131:23', 'AF131:27', 'AF131:31', 'AF131:44', 'AF131:45', 'AF131:46'],
    'airflow:2.3.4': ['AF111:11', 'AF131:23', 'AF131:31', 'AF131:46'],
    'mwaa:2.4.3': [],
    'mwaa:3.0.6': ['AF103:5:w'],
    'airflow:3.1.0': ['AF103:4:w', 'AF103:4:w', 'AF103:5:w'],
  },
  'b_dag_operator_kwargs.py': {
    'mwaa:2.2.2': ['AF111:22', 'AF111:33', 'AF111:37', 'AF111:38', 'AF111:39', 'AF111:51', 'AF111:52', 'AF111:59'],
    'mwaa:2.8.1': ['AF111:37', 'AF111:38', 'AF111:51', 'AF111:52'],
    'composer:composer-2.9.7-airflow-2.9.3': [],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:7:w', 'AF111:27', 'AF111:28', 'AF111:39'],
    'airflow:3.1.0': ['AF103:5:w', 'AF103:6:w', 'AF103:7:w', 'AF111:27', 'AF111:28', 'AF112:32:w', 'AF111:39'],
  },
  // AF211 inside helpers/factories that module-level code calls (line 31 runs via build() -> _settings()).
  'b_factory_compat.py': {
    'mwaa:2.0.2': ['AF103:7:w', 'AF211:31:w'],
    'mwaa:2.4.3': ['AF103:7:w', 'AF211:31:w', 'AF112:41:w'],
    'mwaa:2.10.3': ['AF103:7:w', 'AF211:31:w', 'AF112:41:w'],
    'mwaa:3.0.6': ['AF101:7', 'AF103:11:w', 'AF103:12:w', 'AF211:31:w', 'AF111:41'],
  },
  // Secrets read at runtime and documentation placeholders (XXXX, xxxx-xxxx, ****): no AF201 anywhere;
  // the {{ conn.* }} template variable only exists from 2.2.0 (taskinstance.py get_template_context).
  'b_credentials_traps.py': {
    'mwaa:2.0.2': ['AF121:17', 'AF121:17', 'AF121:35', 'AF121:36'],
    'mwaa:2.2.2': [],
    'mwaa:2.10.3': ['AF112:32:w'],
    'composer:composer-2.9.7-airflow-2.9.3': ['AF112:32:w'],
    'mwaa:3.0.6': ['AF103:7:w', 'AF103:8:w', 'AF111:32'],
  },
  // Airflow 3 TaskFlow with airflow.sdk: setup/teardown, @task.bash, run_if over @task, Metadata, fail_fast.
  'b_af3_sdk_taskflow.py': {
    'mwaa:2.10.3': ['AF102:5', 'AF141:6:w', 'AF141:7:w', 'AF141:8:w', 'AF131:12', 'AF131:13', 'AF111:22', 'AF121:40', 'AF131:44'],
    'mwaa:3.0.6': [],
    'airflow:3.1.0': ['AF103:10:w'],
    'airflow:3.2.0': ['AF103:9:w', 'AF103:10:w'],
  },
  // Python per target: 3.7 (MWAA 1.10/2.0), 3.8 (Composer 1.17), 3.9 (Astro 3), 3.10 (MWAA 2.4). `int | None` in an
  // evaluated annotation and a dict `|` run on import fail before 3.10 / 3.9 (TypeError); `|` inside a function body does not;
  // `from typing import Literal` needs 3.8 (ImportError on 3.7).
  'b_python_versions.py': {
    'mwaa:1.10.12': ['AF151:5', 'AF151:15', 'AF151:44', 'AF151:49', 'AF151:53', 'AF151:53', 'AF151:53', 'AF151:54'],
    'mwaa:2.0.2': ['AF151:5', 'AF103:8:w', 'AF151:15', 'AF151:44', 'AF151:49', 'AF151:53', 'AF151:53', 'AF151:53', 'AF151:54'],
    'composer:composer-1.17.0-airflow-2.1.2': ['AF103:8:w', 'AF151:15', 'AF151:53', 'AF151:53', 'AF151:53', 'AF151:54'],
    'astro:3.0.4': ['AF103:8:w', 'AF151:53', 'AF151:54'],
    'mwaa:2.4.3': ['AF103:8:w', 'AF112:60:w'],
  },
  // Composer 1 sample style: module-attribute operators (bash_operator.BashOperator), models.DAG, **common;
  // email_on_failure without an email is silent on 3.x (warned only `if email and email_on_failure is not None`).
  'b_composer1_module_style.py': {
    'composer:composer-1.20.12-airflow-1.10.15': ['AF221:15:w', 'AF211:17:w'],
    'composer:composer-2.9.7-airflow-2.9.3': ['AF103:5:w', 'AF103:5:w', 'AF103:7:w', 'AF103:8:w', 'AF221:15:w', 'AF103:15:w', 'AF211:17:w', 'AF112:22:w', 'AF112:31:w'],
    'mwaa:2.10.3': ['AF103:5:w', 'AF103:5:w', 'AF103:7:w', 'AF141:7:w', 'AF103:8:w', 'AF221:15:w', 'AF103:15:w', 'AF211:17:w', 'AF112:22:w', 'AF112:31:w'],
    'mwaa:3.0.6': ['AF101:5', 'AF101:5', 'AF101:6', 'AF221:15:w', 'AF101:15', 'AF211:17:w', 'AF111:22', 'AF111:31'],
  },
  // Airflow 3's task context (task-sdk task_runner.py) has no test_mode, expanded_ti_count, conf, prev_ds …
  'b_template_context.py': {
    'mwaa:2.2.2': ['AF121:13:w', 'AF121:13:w', 'AF121:13:w', 'AF121:21'],
    'mwaa:2.4.3': ['AF121:13:w', 'AF121:13:w', 'AF121:13:w', 'AF121:21', 'AF112:27:w'],
    'mwaa:2.10.3': ['AF121:13:w', 'AF121:13:w', 'AF121:13:w', 'AF112:27:w'],
    'mwaa:3.0.6': ['AF103:5:w', 'AF103:6:w', 'AF121:11', 'AF121:13', 'AF121:13', 'AF121:13', 'AF121:14', 'AF121:19', 'AF121:21', 'AF111:27'],
    'airflow:3.1.0': ['AF103:5:w', 'AF103:6:w', 'AF121:11', 'AF121:13', 'AF121:13', 'AF121:13', 'AF121:14', 'AF121:19', 'AF121:21', 'AF111:27'],
  },
  // Composer 2 GCP pipeline: clean where the Google provider is preinstalled; email + email_on_failure warn on 3.x.
  'b_composer2_gcp.py': {
    'composer:composer-2.9.7-airflow-2.9.3': [],
    'composer:composer-2.5.5-airflow-2.6.3': [],
    'airflow:2.9.2': ['AF141:8:w', 'AF141:9:w', 'AF141:10:w', 'AF141:11:w'],
    'mwaa:3.0.6': ['AF103:7:w', 'AF141:8:w', 'AF141:9:w', 'AF141:10:w', 'AF141:11:w', 'AF103:13:w', 'AF112:23:w', 'AF112:24:w'],
  },
  // MWAA 1.10 EMR pipeline (dag=dag style, contrib EMR operators removed in 2.4, email settings warn on 3.x).
  'b_mwaa110_emr.py': {
    'mwaa:1.10.12': [],
    'airflow:1.10.15': [],
    'mwaa:2.0.2': ['AF103:5:w', 'AF103:6:w', 'AF103:6:w', 'AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF103:9:w', 'AF103:10:w', 'AF103:11:w', 'AF103:12:w', 'AF103:14:w'],
    'mwaa:2.10.3': ['AF103:5:w', 'AF103:6:w', 'AF103:6:w', 'AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF103:9:w', 'AF101:10', 'AF101:11', 'AF103:12:w', 'AF103:14:w', 'AF112:39:w', 'AF112:39:w', 'AF121:47:w', 'AF121:47:w', 'AF121:47:w', 'AF121:47:w'],
    'mwaa:3.0.6': ['AF101:5', 'AF101:6', 'AF101:7', 'AF101:8', 'AF101:9', 'AF101:10', 'AF101:11', 'AF101:12', 'AF101:14', 'AF112:20:w', 'AF112:21:w', 'AF111:39', 'AF111:39', 'AF121:47', 'AF121:47', 'AF121:47', 'AF121:47'],
  },
  // Airflow 3.1 additions: airflow.sdk BaseHook/TriggerRule (3.1 __lazy_imports), sdk.definitions.deadline and DAG(deadline=).
  // (Known gap: the standard provider's hitl module needs a provider release newer than MWAA 3.0.6's; AF141 does not judge provider versions.)
  'b_af31_sdk_deadline.py': {
    'mwaa:2.10.3': ['AF102:4', 'AF102:5', 'AF141:6:w', 'AF141:7:w', 'AF111:18'],
    'mwaa:3.0.6': ['AF102:4', 'AF102:4', 'AF102:5', 'AF111:18'],
    'airflow:3.1.0': [],
    'airflow:3.2.0': [],
  },
  // Schedule forms (@once, timedelta, cron ranges/L/#, timetables, Dataset lists, None without start_date < 2.8).
  'b_schedules.py': {
    'mwaa:2.4.3': ['AF221:25', 'AF112:43:w'],
    'mwaa:2.8.1': ['AF112:43:w'],
    'mwaa:2.10.3': ['AF112:43:w'],
    'mwaa:3.0.6': ['AF103:4:w', 'AF103:6:w', 'AF111:43'],
  },
  // IndentationError (CPython: line 12 "unindent does not match any outer indentation level"), which
  // tree-sitter's scanner accepts: a file that fails on every target.
  'b_indentation.py': {
    'mwaa:2.4.3': ['AF001:12'],
    'mwaa:2.10.3': ['AF001:12'],
    'mwaa:3.0.6': ['AF103:5:w', 'AF001:12'],
  },
  // "keyword argument repeated: retries" (CPython line 14) — tree-sitter parses it; fails on every target.
  'b_repeated_keyword.py': {
    'mwaa:2.4.3': ['AF001:14'],
    'mwaa:2.10.3': ['AF001:14'],
    'mwaa:3.0.6': ['AF103:5:w', 'AF001:14'],
  },
  // `dag = DAG(...)` assigned again for a second DAG (as Airflow's own 2.2 example_branch_datetime_operator does):
  // dag=dag is the latest DAG; was AF225 duplicates.
  'b_reused_dag_variable.py': {
    'mwaa:2.4.3': [],
    'mwaa:2.10.3': [],
    'mwaa:3.0.6': ['AF103:3:w'],
  },
  // A typo is wrong on every target (no valid one): DAG raises TypeError, operators
  // "Invalid arguments were passed", .partial() TypeError; map_index_template needs 2.9;
  // context["try_number"] is a KeyError everywhere (typed, never set by get_template_context);
  // PythonVirtualEnvOperator (for PythonVirtualenvOperator) is an ImportError on every version;
  // report(count=5) does not bind to report(n) (TypeError when the task is created, line 44).
  'b_typos_and_override.py': {
    'mwaa:2.2.2': ['AF101:7', 'AF121:14', 'AF111:21', 'AF111:23', 'AF111:24', 'AF111:32', 'AF111:34', 'AF111:34', 'AF111:37', 'AF131:41', 'AF111:42', 'AF131:42', 'AF111:42', 'AF111:44'],
    'mwaa:2.8.1': ['AF101:7', 'AF121:14', 'AF111:23', 'AF111:24', 'AF111:32', 'AF111:34', 'AF111:34', 'AF111:37', 'AF111:41', 'AF111:42', 'AF111:42', 'AF111:44'],
    'mwaa:2.10.3': ['AF101:7', 'AF121:14', 'AF111:23', 'AF111:24', 'AF111:32', 'AF111:34', 'AF111:34', 'AF111:37', 'AF111:42', 'AF111:42', 'AF111:44'],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:7:w', 'AF101:7', 'AF103:8:w', 'AF121:14', 'AF111:23', 'AF111:24', 'AF111:32', 'AF111:34', 'AF111:34', 'AF111:37', 'AF111:42', 'AF111:42', 'AF111:44'],
  },
  // Round 3, Airflow 1.10 → 2.5 era (MWAA 1.10.12/2.0.2/2.2.2/2.4.3/2.5.1, Composer 1 on 1.10.15/2.4.3, Astro 3–7),
  // also linted on newer targets. Before 2.4 `airflow.sensors.sql_sensor` imports the core `airflow.sensors.sql`
  // (no common-sql provider needed); @task_group `.expand()` needs 2.5.0 (2.4.x raises NotImplementedError).
  'e110_subdag_branch.py': {
    'airflow:1.10.15': [],
    'composer:composer-1.20.12-airflow-1.10.15': [],
    'mwaa:2.0.2': ['AF103:5:w', 'AF103:6:w', 'AF103:7:w', 'AF103:7:w', 'AF103:8:w', 'AF103:9:w', 'AF111:36', 'AF112:64:w', 'AF112:74:w'],
    'mwaa:2.10.3': ['AF103:5:w', 'AF103:6:w', 'AF103:7:w', 'AF103:7:w', 'AF103:8:w', 'AF103:9:w', 'AF112:30:w', 'AF121:35:w', 'AF121:35:w', 'AF111:36', 'AF121:43:w', 'AF121:51:w', 'AF112:57:w', 'AF112:60:w', 'AF112:64:w', 'AF112:74:w', 'AF112:76:w'],
    'mwaa:3.0.6': ['AF101:5', 'AF101:6', 'AF101:7', 'AF101:8', 'AF101:9', 'AF112:19:w', 'AF112:20:w', 'AF111:30', 'AF121:35', 'AF121:35', 'AF111:36', 'AF121:43', 'AF121:51', 'AF111:57', 'AF111:60', 'AF111:64', 'AF111:74', 'AF111:76'],
  },
  'e110_contrib_k8s_hooks.py': {
    'mwaa:1.10.12': ['AF211:13:w'],
    'composer:composer-1.20.12-airflow-1.10.15': ['AF211:13:w'],
    'mwaa:2.0.2': ['AF103:6:w', 'AF141:6:w', 'AF103:7:w', 'AF103:9:w', 'AF103:10:w', 'AF103:11:w', 'AF211:13:w', 'AF103:17:w', 'AF141:17:w', 'AF103:30:w', 'AF141:30:w', 'AF112:70:w'],
    'mwaa:2.10.3': ['AF103:6:w', 'AF141:6:w', 'AF103:7:w', 'AF103:9:w', 'AF103:10:w', 'AF103:11:w', 'AF211:13:w', 'AF103:17:w', 'AF141:17:w', 'AF121:22:w', 'AF103:30:w', 'AF141:30:w', 'AF112:42:w', 'AF112:68:w', 'AF112:70:w'],
    'mwaa:3.0.6': ['AF101:6', 'AF101:7', 'AF101:9', 'AF101:10', 'AF101:11', 'AF211:13:w', 'AF101:17', 'AF121:22', 'AF101:30', 'AF111:42', 'AF112:43:w', 'AF111:68', 'AF111:70'],
  },
  'e110_sensors_venv.py': {
    'mwaa:1.10.12': ['AF221:32:w'],
    'airflow:1.10.15': ['AF221:32:w'],
    'mwaa:2.0.2': ['AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF103:8:w', 'AF103:9:w', 'AF103:10:w', 'AF221:32:w', 'AF112:38:w', 'AF111:57'],
    'mwaa:2.2.2': ['AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF103:8:w', 'AF103:9:w', 'AF103:10:w', 'AF221:32:w', 'AF112:38:w', 'AF111:57'],
    'mwaa:2.10.3': ['AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF103:8:w', 'AF103:9:w', 'AF103:10:w', 'AF103:11:w', 'AF221:32:w', 'AF112:33:w', 'AF112:38:w', 'AF111:57'],
    'mwaa:3.0.6': ['AF101:6', 'AF101:7', 'AF101:8', 'AF101:9', 'AF101:10', 'AF101:11', 'AF221:32:w', 'AF111:33', 'AF112:34:w', 'AF111:38', 'AF111:57'],
  },
  'e20_taskflow_groups.py': {
    'mwaa:2.0.2': ['AF102:9', 'AF121:36'],
    'astro:3.0.4': ['AF121:36'],
    'mwaa:2.2.2': [],
    'mwaa:2.10.3': ['AF103:7:w', 'AF112:14:w'],
    'mwaa:3.0.6': ['AF101:7', 'AF103:8:w', 'AF103:8:w', 'AF111:14'],
  },
  'e21_trigger_conf_templates.py': {
    'mwaa:2.0.2': ['AF121:37'],
    'astro:3.0.4': ['AF121:37'],
    'mwaa:2.2.2': ['AF121:15:w', 'AF121:19:w', 'AF121:48:w'],
    'mwaa:2.10.3': ['AF121:15:w', 'AF121:19:w', 'AF112:25:w', 'AF112:48:w', 'AF121:48:w'],
    'mwaa:3.0.6': ['AF103:5:w', 'AF103:6:w', 'AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF121:15', 'AF121:19', 'AF111:25', 'AF111:48', 'AF121:48'],
  },
  'e21_native_jinja_fstrings.py': {
    'mwaa:2.0.2': ['AF111:28'],
    'astro:3.0.4': [],
    'mwaa:2.2.2': ['AF121:44:w'],
    'mwaa:2.10.3': ['AF112:27:w', 'AF121:44:w'],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:7:w', 'AF103:7:w', 'AF111:27', 'AF121:44'],
  },
  'e22_timetable_plugin.py': {
    'mwaa:2.0.2': ['AF102:12', 'AF121:44', 'AF121:44', 'AF151:46', 'AF111:52', 'AF121:59', 'AF121:59'],
    'mwaa:2.2.2': ['AF151:46'],
    'composer:composer-1.20.12-airflow-2.4.3': ['AF112:52:w'],
    'mwaa:2.10.3': ['AF112:52:w'],
    'mwaa:3.0.6': ['AF103:9:w', 'AF103:10:w', 'AF111:52'],
  },
  'e22_deferrable_sla_pools.py': {
    'mwaa:2.0.2': ['AF102:7', 'AF102:9', 'AF102:12'],
    'astro:3.0.4': ['AF102:9', 'AF102:12'],
    'mwaa:2.2.2': ['AF112:29:w', 'AF121:35:w', 'AF112:46:w'],
    // line 44: BranchDayOfWeekOperator(use_task_execution_day=…), deprecated 2.3.3, gone with the standard provider in 3.0
    'mwaa:2.10.3': ['AF103:6:w', 'AF112:27:w', 'AF112:29:w', 'AF121:35:w', 'AF112:44:w', 'AF112:46:w'],
    'mwaa:3.0.6': ['AF103:5:w', 'AF101:6', 'AF103:7:w', 'AF103:8:w', 'AF103:9:w', 'AF103:10:w', 'AF103:11:w', 'AF103:12:w', 'AF101:13', 'AF111:27', 'AF111:29', 'AF112:30:w', 'AF112:31:w', 'AF121:35', 'AF111:44', 'AF111:46'],
  },
  'e23_mapping_mwaa.py': {
    'mwaa:2.0.2': ['AF102:7', 'AF111:16', 'AF121:17', 'AF131:35', 'AF131:36'],
    'mwaa:2.2.2': ['AF102:7', 'AF131:35', 'AF131:36'],
    'mwaa:2.4.3': ['AF112:30:w'],
    'mwaa:2.5.1': ['AF112:30:w'],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:7:w', 'AF111:30'],
    'mwaa:3.3.1': ['AF103:5:w', 'AF103:6:w', 'AF103:7:w', 'AF111:30'],
  },
  'e23_astro5_branching.py': {
    'mwaa:2.2.2': ['AF102:6', 'AF131:28', 'AF131:36', 'AF111:41'],
    'astro:5.0.0': ['AF131:36'],
    'mwaa:2.4.3': ['AF112:19:w'],
    'mwaa:2.10.3': ['AF112:19:w'],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:7:w', 'AF103:7:w', 'AF111:19'],
  },
  'e24_datasets_sensor.py': {
    'mwaa:2.2.2': ['AF102:4', 'AF102:6', 'AF111:11', 'AF131:13', 'AF131:17', 'AF111:32', 'AF121:37'],
    'mwaa:2.4.3': ['AF131:13'],
    'mwaa:2.5.1': [],
    'astro:7.0.0': [],
    'mwaa:3.0.6': ['AF103:4:w', 'AF121:37'],
    'mwaa:3.3.1': ['AF103:4:w', 'AF103:5:w', 'AF103:6:w', 'AF121:37'],
  },
  'e24_k8s_cncf_astro.py': {
    'mwaa:2.2.2': ['AF102:7', 'AF141:8:w', 'AF111:13', 'AF131:31', 'AF131:38', 'AF131:39', 'AF131:42'],
    'astro:6.0.0': ['AF131:42'],
    'mwaa:2.4.3': ['AF141:8:w', 'AF131:42'],
    'astro:7.0.0': [],
    'mwaa:2.10.3': ['AF141:8:w'],
    'mwaa:3.0.6': ['AF103:7:w', 'AF141:8:w'],
  },
  'e24_composer1_af2.py': {
    'composer:composer-1.20.12-airflow-2.4.3': ['AF211:11:w', 'AF221:15:w', 'AF112:26:w'],
    'composer:composer-2.9.7-airflow-2.9.3': ['AF211:11:w', 'AF221:15:w', 'AF112:26:w'],
    'mwaa:2.5.1': ['AF141:5:w', 'AF141:6:w', 'AF141:7:w', 'AF211:11:w', 'AF221:15:w', 'AF112:26:w'],
    'mwaa:3.0.6': ['AF141:5:w', 'AF141:6:w', 'AF141:7:w', 'AF103:8:w', 'AF211:11:w', 'AF221:15:w', 'AF111:26'],
  },
  // Round 3 (c*): Airflow 2.6–3.2 era DAGs. Checked at the tags: outlet_events/inlet_events context 2.10
  // (taskinstance.py), on_skipped_callback 2.9.0 (baseoperator.py l.261), TriggerDagRunOperator logical_date 2.9.1,
  // DeltaTriggerTimetable 2.11.0 / MultipleCronTriggerTimetable 3.0.0 (timetables/trigger.py), DatasetOrTimeSchedule
  // deprecated 3.0–3.1 (__new__ warns) and gone with airflow.datasets in 3.2, airflow.utils.trigger_rule a deprecated
  // alias table in 3.1 (utils/__init__.py), airflow.sdk BaseHook/TriggerRule/timezone 3.1, asset.multi / Asset.ref 3.0
  // (task-sdk definitions/asset), sdk Variable.get(key, default=…) vs models Variable.get(key, default_var=…),
  // 3.x task context without next_ds/yesterday_ds/prev_execution_date (task_runner.py get_template_context),
  // HITL operators and sdk.definitions.deadline (AsyncCallback) from 3.1, PEP 695/701 need Python 3.12
  // (Composer 3 airflow-3.1.0 images run 3.11, MWAA 3.x and Astro 3.1 run 3.12).
  'c26_dataset_consumer.py': {
    'mwaa:2.2.2': ['AF102:6', 'AF102:9', 'AF131:11', 'AF131:12', 'AF111:16', 'AF121:24', 'AF131:29'],
    'astro:8.0.0': [],
    'mwaa:2.6.3': [],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:8:w', 'AF103:9:w', 'AF121:24'],
    'airflow:3.2.0': ['AF101:6', 'AF103:7:w', 'AF103:8:w', 'AF103:9:w', 'AF121:24'],
  },
  'c27_setup_teardown_sql.py': {
    'mwaa:2.6.3': ['AF111:14', 'AF131:18', 'AF131:22', 'AF111:41'],
    'mwaa:2.7.2': [],
    'astro:9.0.0': [],
    'mwaa:3.0.6': ['AF111:14'],
    'airflow:3.1.0': ['AF103:5:w', 'AF103:5:w', 'AF103:5:w', 'AF103:7:w', 'AF111:14'],
  },
  // schedule=<one Dataset>: 2.4–2.8 DAG.__init__ takes only a Collection of datasets or a Timetable, so the Dataset
  // becomes schedule_interval and create_timetable raises ValueError (models/dag.py 2.4.0 l.499-508, 2.8.1 l.580-589);
  // 2.9.0 accepts a BaseDatasetEventInput (l.602). Was: no finding.
  'c27_single_dataset_schedule.py': {
    'mwaa:2.4.3': ['AF222:13', 'AF222:16'],
    'mwaa:2.8.1': ['AF222:13', 'AF222:16'],
    'mwaa:2.9.2': [],
    'mwaa:2.10.3': [],
    'mwaa:3.0.6': ['AF103:5:w', 'AF103:6:w', 'AF121:14'],
  },
  'c28_object_storage.py': {
    'mwaa:2.7.2': ['AF102:5', 'AF102:7', 'AF111:16', 'AF131:17', 'AF111:26'],
    'mwaa:2.8.1': ['AF102:7', 'AF111:16', 'AF131:17', 'AF111:26'],
    'mwaa:2.9.2': [],
    'mwaa:3.0.6': ['AF103:3:w', 'AF103:6:w', 'AF103:7:w'],
    'airflow:3.1.0': ['AF103:3:w', 'AF103:4:w', 'AF103:4:w', 'AF103:5:w', 'AF103:6:w', 'AF103:7:w'],
    'airflow:3.2.0': ['AF101:3', 'AF103:4:w', 'AF103:4:w', 'AF103:5:w', 'AF103:6:w', 'AF101:7'],
  },
  'c29_bash_expand_kwargs.py': {
    'mwaa:2.8.1': ['AF102:6', 'AF111:29', 'AF131:31', 'AF131:35', 'AF131:36', 'AF111:36', 'AF121:37', 'AF131:38'],
    'mwaa:2.9.2': ['AF102:6', 'AF131:35', 'AF131:36', 'AF121:37', 'AF131:38'],
    'astro:12.1.0': [],
    'mwaa:2.10.3': [],
    'mwaa:3.0.6': ['AF103:6:w', 'AF103:6:w', 'AF103:9:w'],
    'airflow:3.2.0': ['AF101:6', 'AF103:7:w', 'AF103:7:w', 'AF103:8:w', 'AF103:9:w', 'AF103:10:w'],
  },
  'c29_container_decorators.py': {
    'mwaa:2.7.2': ['AF141:21:w', 'AF141:25:w', 'AF131:35', 'AF141:35:w'],
    'astro:11.8.0': ['AF141:21:w', 'AF141:35:w'],
    'composer:composer-3-airflow-2.10.5-build.5': [],
    'mwaa:3.0.6': ['AF141:21:w', 'AF141:25:w', 'AF141:35:w'],
    'astro:3.0-4': [],
  },
  'c210_composer3_utils.py': {
    'mwaa:2.6.3': ['AF141:6:w', 'AF103:7:w', 'AF121:14:w', 'AF112:19:w', 'AF221:20:w', 'AF121:27:w'],
    'composer:composer-3-airflow-2.10.5-build.5': ['AF103:7:w', 'AF121:14:w', 'AF112:19:w', 'AF221:20:w', 'AF121:27:w'],
    'mwaa:3.0.6': ['AF103:5:w', 'AF141:6:w', 'AF101:7', 'AF121:14', 'AF111:19', 'AF221:20:w', 'AF121:27'],
    'composer:composer-3-airflow-3.1.0-build.2': ['AF103:5:w', 'AF101:7', 'AF103:9:w', 'AF121:14', 'AF111:19', 'AF221:20:w', 'AF121:27'],
  },
  'c30_sdk_full_surface.py': {
    'mwaa:2.10.3': ['AF102:5', 'AF141:25:w', 'AF131:27', 'AF131:28', 'AF121:60', 'AF131:70'],
    'mwaa:3.0.6': [],
    'airflow:3.1.0': [],
    'airflow:3.2.0': [],
    'mwaa:3.3.1': [],
  },
  'c30_asset_multi_ref.py': {
    'mwaa:2.10.3': ['AF102:2', 'AF141:3:w', 'AF131:6', 'AF131:8', 'AF131:14', 'AF131:19', 'AF131:21', 'AF131:25', 'AF221:26', 'AF121:29'],
    'mwaa:3.0.6': [],
    'astro:3.0-4': [],
    'airflow:3.1.0': [],
    'airflow:3.2.0': [],
  },
  'c30_trigger_external_std.py': {
    'mwaa:2.10.3': ['AF102:5', 'AF141:6:w', 'AF141:7:w', 'AF141:8:w', 'AF141:9:w'],
    'mwaa:3.0.6': [],
    'airflow:3.1.0': [],
    'mwaa:3.2.1': [],
  },
  'c30_migrated_from_29.py': {
    'mwaa:2.9.2': ['AF211:12:w', 'AF121:15:w', 'AF121:17:w', 'AF121:17:w', 'AF112:23:w', 'AF112:27:w', 'AF121:28:w', 'AF112:29:w', 'AF121:29:w'],
    'mwaa:3.0.6': ['AF103:7:w', 'AF103:8:w', 'AF103:9:w', 'AF103:10:w', 'AF211:12:w', 'AF121:15', 'AF121:17', 'AF121:17', 'AF111:23', 'AF112:25:w', 'AF111:27', 'AF121:28', 'AF111:29', 'AF121:29'],
    'airflow:3.1.0': ['AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF103:9:w', 'AF103:10:w', 'AF211:12:w', 'AF121:15', 'AF121:17', 'AF121:17', 'AF111:23', 'AF111:25', 'AF111:27', 'AF121:28', 'AF111:29', 'AF121:29'],
    'airflow:3.2.0': ['AF103:6:w', 'AF103:7:w', 'AF103:8:w', 'AF103:9:w', 'AF103:10:w', 'AF211:12:w', 'AF121:15', 'AF121:17', 'AF121:17', 'AF111:23', 'AF112:25:w', 'AF111:27', 'AF121:28', 'AF111:29', 'AF121:29'],
  },
  'c30_half_migrated_sdk.py': {
    'mwaa:2.10.3': ['AF102:5', 'AF103:7:w', 'AF112:13:w', 'AF111:16', 'AF111:22', 'AF121:29:w'],
    'mwaa:3.0.6': ['AF101:7', 'AF111:13', 'AF111:22', 'AF121:29'],
    'airflow:3.1.0': ['AF103:6:w', 'AF101:7', 'AF111:13', 'AF111:22', 'AF121:29'],
    'airflow:3.2.0': ['AF103:6:w', 'AF101:7', 'AF111:13', 'AF111:22', 'AF121:29'],
  },
  'c30_py312_syntax.py': {
    'mwaa:2.10.3': ['AF102:5', 'AF151:7', 'AF151:10', 'AF151:14', 'AF151:24'],
    'mwaa:3.0.6': [],
    'composer:composer-3-airflow-3.1.0-build.2': ['AF151:7', 'AF151:10', 'AF151:14', 'AF151:24'],
    'astro:3.1-12': [],
  },
  'c30_dag_test_models.py': {
    'mwaa:2.10.3': ['AF141:8:w'],
    'mwaa:3.0.6': [],
    'airflow:3.1.0': ['AF103:5:w', 'AF103:6:w', 'AF103:7:w'],
    'airflow:3.2.0': ['AF103:5:w', 'AF103:6:w', 'AF103:7:w'],
  },
  'c30_timetables_templates.py': {
    'mwaa:2.10.3': ['AF102:5', 'AF102:6', 'AF102:7', 'AF102:7', 'AF141:8:w', 'AF131:10', 'AF121:28', 'AF121:35:w', 'AF121:35:w'],
    'mwaa:2.11.0': ['AF102:5', 'AF102:6', 'AF102:7', 'AF141:8:w', 'AF131:10', 'AF121:28', 'AF121:35:w', 'AF121:35:w'],
    'mwaa:3.0.6': ['AF121:35', 'AF121:35', 'AF121:35'],
    'airflow:3.1.0': ['AF121:35', 'AF121:35', 'AF121:35'],
    'airflow:3.2.0': ['AF121:35', 'AF121:35', 'AF121:35'],
  },
  'c31_hitl_deadline.py': {
    'mwaa:3.0.6': ['AF102:6', 'AF141:9:w', 'AF111:21'],
    'airflow:3.1.0': ['AF141:9:w'],
    'astro:3.1-12': ['AF141:9:w'],
    'airflow:3.2.0': ['AF141:9:w'],
  },
  'c31_sdk_additions.py': {
    'mwaa:3.0.6': ['AF102:6', 'AF102:10', 'AF102:13'],
    'airflow:3.1.0': [],
    'astro:3.1-12': [],
    'airflow:3.2.0': [],
  },
};

describe('audit: realistic DAGs across Airflow 1.10–3.x (exact codes and lines per target)', () => {
  for (const [file, targets] of Object.entries(EXPECTED)) {
    const text = readFileSync(path.join(DIR, file), 'utf8');
    for (const [label, expected] of Object.entries(targets)) {
      it(`${file} @ ${label}: ${expected.length ? expected.join(' ') : 'clean'}`, async () => {
        const r = await lintText(text, file, { target: resolveTargetLabel(label) });
        const got = r.diagnostics.map((d) => `${d.code}:${d.range.start.line + 1}${d.severity === 'error' ? '' : `:${d.severity[0]}`}`);
        const detail = r.diagnostics.map((d) => `${d.code}:${d.range.start.line + 1} ${d.severity} ${d.message}`).join('\n  ');
        assert.deepEqual([...got].sort(), [...expected].sort(), `findings:\n  ${detail}`);
      });
    }
  }

  it('every fixture has expectations and every expectation a fixture', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.py')).sort();
    assert.deepEqual(files, Object.keys(EXPECTED).sort());
  });

  it('IndentationErrors and compile-stage SyntaxErrors tree-sitter accepts: AF001 on the line CPython reports, nothing for valid code', async () => {
    const lint = async (src: string) => (await lintText(src, 'x.py', { target: resolveTargetLabel('mwaa:2.10.3') })).diagnostics.map((d) => `${d.code}:${d.range.start.line + 1}`);
    // CPython 3.11: "expected an indented block after 'with' statement on line 1" (line 2), "unexpected indent" (3 / 1)
    assert.deepEqual(await lint('with DAG("a") as dag:\nt = 1\n'), ['AF001:2']);
    assert.deepEqual(await lint('def f():\n    a = 1\n        b = 2\n'), ['AF001:3']);
    assert.deepEqual(await lint('  x = 1\ny = 2\n'), ['AF001:1']);
    assert.deepEqual(await lint('if x:\n    # only a comment\ny = 1\n'), ['AF001:3']);
    // valid: `;`-separated statements, one-line blocks, comments at any column, docstrings, a UTF-8 BOM
    assert.deepEqual(await lint('def f():\n    x = 1; y = 2\n    if x: pass\n  # c\n    return x\n'), []);
    assert.deepEqual(await lint('\ufeffimport os\nclass A:\n    """doc"""\n\n    def f(self):\n        pass\n'), []);
    // compile-stage SyntaxErrors (CPython 3.11 lines): repeated keyword, positional after keyword,
    // non-default after default, duplicate parameter, return outside a function; valid argument orders stay clean
    assert.deepEqual(await lint('op = BashOperator(\n    task_id="a",\n    bash_command="x",\n    task_id="b",\n)\n'), ['AF001:4']);
    assert.deepEqual(await lint('op = BashOperator(\n    task_id="a",\n    "echo",\n)\n'), ['AF001:3']);
    assert.deepEqual(await lint('def f(\n    a=1,\n    b,\n):\n    pass\n'), ['AF001:3']);
    assert.deepEqual(await lint('def f(a,\n      a):\n    pass\n'), ['AF001:2']);
    assert.deepEqual(await lint('if x:\n    return 1\n'), ['AF001:2']);
    assert.deepEqual(await lint('f(a=1, *b)\nf(*a, b)\nf(**k, a=1)\ndef g(a, /, b=1, *args, c, d=2, **kw):\n    return 1\ndef h(*, a=1, b):\n    pass\n'), []);
  });

  it('SQL shims: before 2.4 they lead to core modules (no provider); from 2.4 to apache-airflow-providers-common-sql', async () => {
    const src = 'from airflow.sensors.sql_sensor import SqlSensor\nfrom airflow.operators.check_operator import CheckOperator\nfrom airflow.hooks.dbapi_hook import DbApiHook\n';
    const run = async (label: string) => (await lintText(src, 'x.py', { target: resolveTargetLabel(label) })).diagnostics.map((d) => `${d.code}:${d.range.start.line + 1}:${/Use `([\w.]+)`/.exec(d.message)?.[1]}`);
    // 2.0.2–2.3.4: sql_sensor.py does `from airflow.sensors.sql import SqlSensor` (same for check_operator → operators.sql, dbapi_hook → hooks.dbapi)
    const core = ['AF103:1:airflow.sensors.sql.SqlSensor', 'AF103:2:airflow.operators.sql.SQLCheckOperator', 'AF103:3:airflow.hooks.dbapi.DbApiHook'];
    assert.deepEqual(await run('mwaa:2.0.2'), core);
    assert.deepEqual(await run('mwaa:2.2.2'), core);
    // 2.4.0: airflow/sensors/__init__.py maps sql_sensor.SqlSensor to the provider (installed on MWAA 2.4.3)
    assert.deepEqual(await run('mwaa:2.4.3'), ['AF103:1:airflow.providers.common.sql.sensors.sql.SqlSensor', 'AF103:2:airflow.providers.common.sql.operators.sql.SQLCheckOperator', 'AF103:3:airflow.providers.common.sql.hooks.sql.DbApiHook']);
  });

  it('mapping: a @task_group .expand()/.partial() needs 2.5; operator and @task mapping 2.3', async () => {
    const src = [
      'from airflow.decorators import task, task_group',
      '@task',
      'def t(x):',
      '    return x',
      '@task_group',
      'def g(x):',
      '    t(x)',
      'g.expand(x=[1, 2])',
      'g.partial(x=1).expand_kwargs([{"x": 1}])',
      't.expand(x=[1, 2])',
    ].join('\n');
    const run = async (label: string) => (await lintText(src, 'x.py', { target: resolveTargetLabel(label) })).diagnostics.map((d) => `${d.code}:${d.range.start.line + 1}:${/needs Airflow ([\d.]+)/.exec(d.message)?.[1]}`).sort();
    // not also "dynamic task mapping needs 2.3" on the group's lines; one report per feature and line
    assert.deepEqual(await run('mwaa:2.2.2'), ['AF131:10:2.3.0', 'AF131:8:2.5.0', 'AF131:9:2.5.0']);
    assert.deepEqual(await run('mwaa:2.4.3'), ['AF131:8:2.5.0', 'AF131:9:2.5.0']);
    assert.deepEqual(await run('mwaa:2.5.1'), []);
  });

  it('Airflow 1.10: airflow.providers.* comes from the backport packages (apache-airflow-backport-providers-*)', async () => {
    const src = 'from airflow.providers.google.cloud.operators.bigquery import BigQueryInsertJobOperator\n';
    const run = async (label: string, extra?: string[]) => (await lintText(src, 'x.py', { target: resolveTargetLabel(label), extraPackages: extra && new Set(extra) })).diagnostics.map((d) => `${d.code}:${d.range.start.line + 1}:${d.data?.distribution}`);
    assert.deepEqual(await run('mwaa:1.10.12'), ['AF141:1:apache-airflow-backport-providers-google']);
    // listed in requirements.txt: installed; the Airflow 2 distribution does not install on 1.10
    assert.deepEqual(await run('mwaa:1.10.12', ['apache-airflow-backport-providers-google']), []);
    assert.deepEqual(await run('mwaa:1.10.12', ['apache-airflow-providers-google']), ['AF141:1:apache-airflow-backport-providers-google']);
    assert.deepEqual(await run('mwaa:2.0.2'), ['AF141:1:apache-airflow-providers-google']);
  });

  it('misspelt imports: AF101 with a did-you-mean, only for near misses of existing modules/names', async () => {
    const src = [
      'from airflow.operators.bahs import BashOperator',
      'import airflow.operators.pyhton',
      'from airflow.models import Variabel',
      'from airflow.utils.dates import datetime',
      'from airflow.www.app import create_app',
      'try:',
      '    from airflow.operators.empty import EmptyOperatr',
      'except ImportError:',
      '    pass',
    ].join('\n');
    const r = await lintText(src, 'x.py', { target: resolveTargetLabel('mwaa:2.10.3') });
    assert.deepEqual(r.diagnostics.map((d) => `${d.code}:${d.range.start.line + 1}:${/Did you mean `([\w.]+)`/.exec(d.message)?.[1]}`), [
      'AF101:1:airflow.operators.bash',
      'AF101:2:airflow.operators.python',
      'AF101:3:Variable',
    ]);
  });

  it('Variable.get keywords: airflow.sdk takes default=, airflow.models default_var= (the other is a TypeError everywhere)', async () => {
    const src = [
      'from airflow.sdk import Variable',
      'from airflow import models',
      'from airflow.models.variable import Variable as ModelsVariable',
      'a = Variable.get("a", default_var=None)',
      'b = Variable.get("b", default=None, deserialize_json=True)',
      'c = models.Variable.get("c", default="x")',
      'd = ModelsVariable.get("d", default_var="x")',
      'e = ModelsVariable.get("e", default="x")',
      'f = {"k": 1}.get("k", default=None)',
      'class Variable2:',
      '    pass',
    ].join('\n');
    for (const label of ['mwaa:3.0.6', 'airflow:3.2.0']) {
      const r = await lintText(src, 'x.py', { target: resolveTargetLabel(label) });
      const af111 = r.diagnostics.filter((d) => d.code === 'AF111');
      assert.deepEqual(af111.map((d) => `${d.range.start.line + 1}:${d.range.start.character}`), ['4:22', '6:29', '8:28']);
      assert.deepEqual(af111.map((d) => d.fixes?.[0]?.edits[0].newText), ['default', 'default_var', 'default_var']);
    }
    // try/except ImportError compat import: the first import the target has wins (sdk on 3.x, models on 2.x)
    const compat = 'try:\n    from airflow.sdk import Variable\nexcept ImportError:\n    from airflow.models import Variable\na = Variable.get("x", default=1)\nb = Variable.get("y", default_var=1)\n';
    const at = async (label: string) => (await lintText(compat, 'x.py', { target: resolveTargetLabel(label) })).diagnostics.filter((d) => d.code === 'AF111').map((d) => d.range.start.line + 1);
    assert.deepEqual(await at('mwaa:2.10.3'), [5]);
    assert.deepEqual(await at('mwaa:3.0.6'), [6]);
  });

  it('AF211: dag.test() at module level runs the DAG at every parse; under __main__ or in a function it does not', async () => {
    const src = [
      'import pendulum',
      'from airflow.sdk import DAG, dag, task',
      'from airflow.providers.standard.operators.empty import EmptyOperator',
      '',
      'with DAG("a", schedule=None, start_date=pendulum.datetime(2025, 1, 1, tz="UTC")) as dag_a:',
      '    EmptyOperator(task_id="e")',
      '',
      '',
      '@dag(schedule=None, start_date=pendulum.datetime(2025, 1, 1, tz="UTC"))',
      'def b():',
      '    @task',
      '    def t():',
      '        return 1',
      '',
      '    t()',
      '',
      '',
      'dag_b = b()',
      'dag_a.test()',
      'dag_b.test(run_conf={"x": 1})',
      'b().test()',
      '',
      'if __name__ == "__main__":',
      '    dag_a.test()',
      '    dag_b.test()',
      '',
      '',
      'def run_locally():',
      '    dag_a.test()',
      '',
      '',
      'import unittest',
      'unittest.TestCase().test = None',
    ].join('\n');
    const r = await lintText(src, 'x.py', { target: resolveTargetLabel('mwaa:3.0.6') });
    assert.deepEqual(r.diagnostics.map((d) => `${d.code}:${d.range.start.line + 1}${d.severity === 'error' ? '' : ':w'}`), ['AF211:19:w', 'AF211:20:w', 'AF211:21:w']);
  });

  it('the knowledge-base facts behind the audit fixes', () => {
    const kb = getKnowledgeBase();
    const st = (av: ReturnType<typeof kb.contextKey>, v: string) => statusAt(av!, v);
    // TaskInstance.handle_failure sets context["exception"] for callbacks since 1.10.1 (not only the 2.3+ Context type)
    assert.equal(st(kb.contextKey('exception'), '1.10.12'), 'available');
    assert.equal(st(kb.contextKey('exception'), '2.0.2'), 'available');
    // trigger rules: renamed in 2.2 (deprecated), removed in 3.0; newer ones do not exist before their release
    const tr = (v: string) => kb.argument('TriggerRule', v);
    assert.equal(st(tr('none_failed_or_skipped'), '2.1.4'), 'available');
    assert.equal(st(tr('none_failed_or_skipped'), '2.10.3'), 'deprecated');
    assert.equal(st(tr('none_failed_or_skipped'), '3.0.6'), 'removed');
    assert.equal(tr('none_failed_or_skipped')!.replacement, 'none_failed_min_one_success');
    assert.equal(tr('dummy')!.replacement, 'always');
    assert.equal(st(tr('none_failed_min_one_success'), '2.0.2'), 'notYet');
    assert.equal(st(tr('one_done'), '2.4.3'), 'notYet');
    assert.equal(st(tr('one_done'), '2.5.1'), 'available');
    // Airflow 3's runtime context never had start_date (the 3.0–3.1 Context type listed it; #62505)
    assert.equal(kb.contextKey('start_date'), undefined);
    // typed but never set by 3.x RuntimeTaskInstance.get_template_context (test_mode commented out at 3.0.0 l.175)
    assert.equal(st(kb.contextKey('test_mode'), '2.10.3'), 'available');
    assert.equal(st(kb.contextKey('test_mode'), '3.0.4'), 'removed');
    assert.equal(st(kb.contextKey('expanded_ti_count'), '3.1.0'), 'removed');
    // try_number is in no version's get_template_context (only the failure e-mail template)
    assert.equal(kb.contextKey('try_number'), undefined);
    // mapping a @task_group function: stubs in 2.3, NotImplementedError in 2.4, MappedTaskGroup from 2.5.0
    assert.equal(statusAt(kb.feature('mapped_task_group')!, '2.4.3'), 'notYet');
    assert.equal(statusAt(kb.feature('mapped_task_group')!, '2.5.0'), 'available');
    // round 3: a class whose __new__ warns is deprecated (3.0–3.1 DatasetOrTimeSchedule → AssetOrTimeSchedule; gone in 3.2)
    const dots = kb.name('airflow.timetables.datasets', 'DatasetOrTimeSchedule')!;
    assert.equal(statusAt(dots, '2.10.3'), 'available');
    assert.equal(statusAt(dots, '3.0.4'), 'deprecated');
    assert.equal(statusAt(dots, '3.1.0'), 'deprecated');
    assert.equal(statusAt(dots, '3.2.0'), 'removed');
    assert.equal(dots.replacement, 'airflow.timetables.assets.AssetOrTimeSchedule');
    // 3.0.0/3.0.1 lazily import airflow.sdk.BaseNotifier from a module they lack (.definitions.notifier): ModuleNotFoundError
    const notifier = kb.name('airflow.sdk', 'BaseNotifier')!;
    assert.equal(statusAt(notifier, '3.0.1'), 'notYet');
    assert.equal(statusAt(notifier, '3.0.2'), 'available');
    // TaskFlow functions receive context keys from 2.1.0
    assert.equal(statusAt(kb.feature('taskflow_context_kwargs')!, '2.0.2'), 'notYet');
    assert.equal(statusAt(kb.feature('taskflow_context_kwargs')!, '2.1.1'), 'available');
  });
});
