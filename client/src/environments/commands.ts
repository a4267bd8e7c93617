/**
 * Command ids of the environments view (vscode-free, so a unit test can check package.json
 * declares each with category "Managed Airflow" and hides the internal ones from the palette).
 */
export interface CommandSpec {
  id: string;
  title: string;
  icon?: string;
  /** Only reachable from tree items / menus (hidden from the Command Palette). */
  internal?: boolean;
}

export const ENVIRONMENT_COMMANDS: CommandSpec[] = [
  { id: 'managedAirflow.addEnvironment', title: 'Add Environment…', icon: '$(add)' },
  { id: 'managedAirflow.refreshEnvironments', title: 'Refresh Environments', icon: '$(refresh)' },
  { id: 'managedAirflow.refreshNode', title: 'Refresh', icon: '$(refresh)', internal: true },
  { id: 'managedAirflow.retry', title: 'Retry', icon: '$(refresh)', internal: true },
  { id: 'managedAirflow.loadMore', title: 'Load More', internal: true },
  { id: 'managedAirflow.signIn', title: 'Sign In to Environment…', icon: '$(key)' },
  { id: 'managedAirflow.openEnvironmentSettings', title: 'Open Environment Settings', icon: '$(settings-gear)' },
  { id: 'managedAirflow.removeEnvironment', title: 'Remove Environment…', icon: '$(trash)', internal: true },
  { id: 'managedAirflow.triggerDag', title: 'Trigger DAG…', icon: '$(play)', internal: true },
  { id: 'managedAirflow.pauseDag', title: 'Pause DAG', icon: '$(debug-pause)', internal: true },
  { id: 'managedAirflow.unpauseDag', title: 'Unpause DAG', icon: '$(debug-start)', internal: true },
  { id: 'managedAirflow.clearTask', title: 'Clear Task Instance…', icon: '$(debug-restart)', internal: true },
  { id: 'managedAirflow.clearRun', title: 'Clear DAG Run…', icon: '$(debug-restart)', internal: true },
  { id: 'managedAirflow.openLog', title: 'Open Log', icon: '$(output)', internal: true },
  { id: 'managedAirflow.selectLogTry', title: 'Select Log Try…', icon: '$(versions)', internal: true },
  { id: 'managedAirflow.openInWebUi', title: 'Open in Airflow UI', icon: '$(link-external)', internal: true },
  { id: 'managedAirflow.openDagSource', title: 'Open Source File', icon: '$(go-to-file)', internal: true },
  { id: 'managedAirflow.useAsLintTarget', title: 'Use as Lint Target', icon: '$(target)', internal: true },
];
