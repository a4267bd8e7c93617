/**
 * Local-runner panel (webview). Talks to client/src/runner/panel.ts only through the typed
 * messages of core/src/protocol/runner.ts. Updates are deltas: status rows are patched in
 * place, log lines appended, never a full re-render. State survives hiding via setState.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type {
  ComponentStatus,
  RunnerAction,
  RunnerFromWebview,
  RunnerImportError,
  RunnerLogLine,
  RunnerPanelConfig,
  RunnerStatus,
  RunnerToWebview,
} from '../../core/src/protocol/runner';

interface VsCodeApi<S> {
  postMessage(m: RunnerFromWebview): void;
  getState(): S | undefined;
  setState(s: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

interface PanelState {
  config?: RunnerPanelConfig;
  versions: string[];
  status: RunnerStatus;
  importErrors: RunnerImportError[];
  logs: RunnerLogLine[];
  filter: string;
  follow: boolean;
  dagId: string;
  testOutput: string;
}

const MAX_LOG_LINES = 2000;
const vscode = acquireVsCodeApi<PanelState>();
const state: PanelState = vscode.getState() ?? { versions: [], status: { state: 'stopped', components: [] }, importErrors: [], logs: [], filter: '', follow: true, dagId: '', testOutput: '' };
let saveTimer: number | undefined;
function save(): void {
  // Debounced: logs can arrive many times a second.
  saveTimer ??= window.setTimeout(() => {
    saveTimer = undefined;
    vscode.setState({ ...state, logs: state.logs.slice(-500) });
  }, 300);
}
const send = (m: RunnerFromWebview) => vscode.postMessage(m);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Record<string, unknown>, ...children: Array<Node | string>): HTMLElementTagNameMap[K];
function el(tag: string, props?: Record<string, unknown>, ...children: Array<Node | string>): HTMLElement;
function el(tag: string, props: Record<string, unknown> = {}, ...children: Array<Node | string>): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'className') e.className = String(v);
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
    else if (typeof v === 'boolean') v ? e.setAttribute(k, '') : e.removeAttribute(k);
    else if (v !== undefined) e.setAttribute(k, String(v));
  }
  e.append(...children);
  return e;
}
const icon = (name: string, extra: Record<string, unknown> = {}) => el('vscode-icon', { name, ...extra });

// ------------------------------------------------------------------ layout (built once)

const app = document.getElementById('app')!;
const flavorSel = el('vscode-single-select', { id: 'flavor', 'aria-label': 'Flavour' });
for (const [v, label] of [['mwaa', 'MWAA (aws/amazon-mwaa-docker-images)'], ['astro', 'Astro (project Dockerfile)'], ['oss', 'OSS (apache/airflow standalone)']]) flavorSel.append(el('vscode-option', { value: v }, label));
const versionSel = el('vscode-single-select', { id: 'version', combobox: true, 'aria-label': 'Airflow version' });
const portField = el('vscode-textfield', { id: 'port', type: 'number', placeholder: 'auto (8080 or next free)', 'aria-label': 'Port' });
const stateBadge = el('span', { className: 'state', id: 'state' });
const urlLink = el('a', { id: 'url', href: '#' });
const busyRing = el('vscode-progress-ring', { id: 'busy', hidden: true });
const busyText = el('span', { id: 'busyText', className: 'muted' });
const errorBox = el('div', { id: 'error', className: 'error', hidden: true, role: 'alert' });

const buttons = new Map<RunnerAction, HTMLElement>();
function button(action: RunnerAction, label: string, codicon: string, secondary = false): HTMLElement {
  const b = el('vscode-button', { icon: codicon, secondary, onClick: () => act(action) }, label);
  buttons.set(action, b);
  return b;
}
const componentsBody = el('div', { id: 'components', className: 'components', role: 'table', 'aria-label': 'Components' });
const importList = el('ul', { id: 'importErrors', className: 'import-errors' });
const importCount = el('vscode-badge', { variant: 'counter' }, '0');
const logFilter = el('vscode-single-select', { id: 'logFilter', 'aria-label': 'Component filter' });
const followBox = el('vscode-checkbox', { id: 'follow', label: 'Follow', checked: state.follow });
const logView = el('pre', { id: 'logs', className: 'logs', tabindex: '0', 'aria-live': 'off' });
const dagField = el('vscode-textfield', { id: 'dagId', placeholder: 'dag_id', value: state.dagId, 'aria-label': 'DAG id' });
const testOut = el('pre', { id: 'testOutput', className: 'logs small' });

app.append(
  el(
    'section',
    { className: 'toolbar' },
    el('div', { className: 'field' }, el('vscode-label', { for: 'flavor' }, 'Flavour'), flavorSel),
    el('div', { className: 'field' }, el('vscode-label', { for: 'version' }, 'Airflow'), versionSel),
    el('div', { className: 'field narrow' }, el('vscode-label', { for: 'port' }, 'Port'), portField),
  ),
  el(
    'section',
    { className: 'actions' },
    button('start', 'Start', 'play'),
    button('stop', 'Stop', 'debug-stop', true),
    button('restart', 'Restart', 'debug-restart', true),
    button('reset', 'Reset', 'trash', true),
    button('openUi', 'Open UI', 'link-external', true),
    busyRing,
    busyText,
  ),
  errorBox,
  el('section', { className: 'status' }, el('h3', {}, 'Status ', stateBadge, ' ', urlLink), componentsBody),
  el('section', {}, el('h3', {}, 'Import errors ', importCount), importList),
  el('section', {}, el('h3', {}, 'Test DAG'), el('div', { className: 'row' }, dagField, button('testDag', 'Test DAG', 'beaker', true)), testOut),
  el('section', { className: 'grow' }, el('h3', {}, 'Logs'), el('div', { className: 'row' }, logFilter, followBox), logView),
);

// ------------------------------------------------------------------ actions

function act(action: RunnerAction): void {
  errorBox.hidden = true;
  if (action === 'testDag') {
    state.testOutput = '';
    testOut.textContent = '';
    send({ type: 'action', action, dagId: dagField.value.trim() || undefined });
  } else send({ type: 'action', action });
}
urlLink.addEventListener('click', (e) => {
  e.preventDefault();
  act('openUi');
});
function pushConfig(): void {
  const port = Number(portField.value);
  const config: Partial<RunnerPanelConfig> = {
    flavor: flavorSel.value as RunnerPanelConfig['flavor'],
    airflowVersion: versionSel.value,
    port: Number.isInteger(port) && port > 0 ? port : 0,
  };
  state.config = { ...(state.config as RunnerPanelConfig), ...config };
  save();
  send({ type: 'config', config });
}
flavorSel.addEventListener('change', pushConfig);
versionSel.addEventListener('change', pushConfig);
portField.addEventListener('change', pushConfig);
dagField.addEventListener('input', () => {
  state.dagId = dagField.value;
  save();
});
followBox.addEventListener('change', () => {
  state.follow = followBox.checked;
  save();
  if (state.follow) logView.scrollTop = logView.scrollHeight;
});
logFilter.addEventListener('change', () => {
  state.filter = logFilter.value;
  save();
  // Filter change is the one place the log view is rebuilt (from the kept lines).
  logView.textContent = '';
  appendLogs(state.logs, false);
});

// ------------------------------------------------------------------ deltas

function renderConfig(): void {
  const c = state.config;
  if (!c) return;
  if (versionSel.childElementCount === 0 || versionSel.childElementCount !== state.versions.length) {
    versionSel.replaceChildren(...[...new Set([c.airflowVersion, ...state.versions])].map((v) => el('vscode-option', { value: v }, v)));
  }
  flavorSel.value = c.flavor;
  versionSel.value = c.airflowVersion;
  portField.value = c.port ? String(c.port) : '';
}

const rows = new Map<string, { row: HTMLElement; container: HTMLElement; health: HTMLElement }>();
function healthIcon(c: ComponentStatus): [string, string] {
  if (c.container !== 'running') return ['error', c.exitCode !== undefined ? `${c.container} (exit ${c.exitCode})` : c.container];
  if (c.health === 'healthy') return ['pass', 'healthy'];
  if (c.health === 'unhealthy') return ['warning', 'unhealthy'];
  if (c.health === 'unknown') return ['loading', 'starting'];
  return ['circle-outline', 'running'];
}
function renderStatus(s: RunnerStatus): void {
  const hadProblem = !!state.status.problem;
  state.status = s;
  if (s.problem) {
    errorBox.hidden = false;
    errorBox.textContent = s.problem.hint ? `${s.problem.message} — ${s.problem.hint}` : s.problem.message;
  } else if (hadProblem) errorBox.hidden = true;
  stateBadge.textContent = s.state;
  stateBadge.className = `state state-${s.state}`;
  urlLink.textContent = s.url ?? '';
  urlLink.hidden = !s.url;
  const seen = new Set<string>();
  for (const c of s.components) {
    seen.add(c.name);
    let r = rows.get(c.name);
    if (!r) {
      const container = el('span', { className: 'muted' });
      const health = el('span');
      const row = el('div', { className: 'component', role: 'row' }, el('span', { className: 'name', role: 'cell' }, c.name), container, health);
      componentsBody.append(row);
      rows.set(c.name, (r = { row, container, health }));
      if (!Array.from(logFilter.children).some((o) => (o as HTMLOptionElement).value === c.name)) logFilter.append(el('vscode-option', { value: c.name }, c.name));
    }
    const [ic, text] = healthIcon(c);
    const key = `${ic}|${text}|${c.container}`;
    if (r.row.dataset.key !== key) {
      r.row.dataset.key = key;
      r.container.textContent = c.container;
      r.health.replaceChildren(icon(ic, { className: `h-${ic}`, spin: ic === 'loading' }), ` ${text}`);
    }
  }
  for (const [name, r] of rows) {
    if (!seen.has(name)) {
      r.row.remove();
      rows.delete(name);
    }
  }
  if (!s.components.length && !componentsBody.querySelector('.empty')) componentsBody.append(el('div', { className: 'empty muted' }, 'Not running.'));
  if (s.components.length) componentsBody.querySelector('.empty')?.remove();
  const running = s.state !== 'stopped';
  buttons.get('start')!.toggleAttribute('disabled', running);
  buttons.get('stop')!.toggleAttribute('disabled', !running);
  buttons.get('restart')!.toggleAttribute('disabled', !running);
  buttons.get('openUi')!.toggleAttribute('disabled', !s.url);
  buttons.get('testDag')!.toggleAttribute('disabled', s.state !== 'healthy');
  save();
}

function renderImportErrors(errs: RunnerImportError[]): void {
  state.importErrors = errs;
  importCount.textContent = String(errs.length);
  importList.replaceChildren(
    ...(errs.length
      ? errs.map((e) => {
          const where = `${e.displayPath ?? e.file ?? e.containerPath}${e.line ? `:${e.line}` : ''}`;
          const link = el('a', { href: '#', title: e.stackTrace }, where);
          if (e.file) link.addEventListener('click', (ev) => (ev.preventDefault(), send({ type: 'openFile', file: e.file!, line: e.line })));
          return el('li', {}, icon('error', { className: 'h-error' }), ' ', link, ` — ${e.message}`);
        })
      : [el('li', { className: 'muted' }, 'None.')]),
  );
  save();
}

function appendLogs(lines: RunnerLogLine[], keep = true): void {
  if (keep) {
    state.logs.push(...lines);
    if (state.logs.length > MAX_LOG_LINES) state.logs.splice(0, state.logs.length - MAX_LOG_LINES);
  }
  const frag = document.createDocumentFragment();
  for (const l of lines) {
    if (state.filter && l.component !== state.filter) continue;
    frag.append(el('span', { className: l.stream === 'stderr' ? 'err' : '' }, `${l.component.padEnd(14)} ${l.text}\n`));
  }
  logView.append(frag);
  while (logView.childElementCount > MAX_LOG_LINES) logView.firstElementChild!.remove();
  if (state.follow) logView.scrollTop = logView.scrollHeight;
  save();
}

window.addEventListener('message', (ev: MessageEvent<RunnerToWebview>) => {
  const m = ev.data;
  switch (m.type) {
    case 'init':
      state.config = m.config;
      state.versions = m.versions;
      renderConfig();
      renderStatus(m.status);
      renderImportErrors(m.importErrors);
      return;
    case 'status':
      return renderStatus(m.status);
    case 'importErrors':
      return renderImportErrors(m.errors);
    case 'log':
      return appendLogs(m.lines);
    case 'logReset':
      state.logs = [];
      logView.textContent = '';
      return;
    case 'busy':
      busyRing.hidden = !m.action;
      busyText.textContent = m.action ? `${m.action}${m.detail ? `: ${m.detail}` : '…'}` : '';
      for (const [a, b] of buttons) if (a !== 'openUi') b.toggleAttribute('disabled', !!m.action || (a !== 'start' && a !== 'reset' && state.status.state === 'stopped'));
      if (!m.action) renderStatus(state.status);
      return;
    case 'error':
      errorBox.hidden = false;
      errorBox.textContent = m.hint ? `${m.message} — ${m.hint}` : m.message;
      return;
    case 'testDagOutput':
      state.testOutput += m.text;
      testOut.append(m.text);
      if (m.done) testOut.append(m.done.exitCode === 0 ? `\n✔ ${m.dagId} passed\n` : `\n✘ ${m.dagId} failed (exit code ${m.done.exitCode})\n`);
      testOut.scrollTop = testOut.scrollHeight;
      save();
      return;
  }
});

// Restore what was shown before the panel was hidden/reloaded, then ask the host for fresh data.
logFilter.append(el('vscode-option', { value: '' }, 'All components'));
renderConfig();
renderStatus(state.status);
renderImportErrors(state.importErrors);
appendLogs(state.logs, false);
testOut.textContent = state.testOutput;
send({ type: 'ready' });
