import { nodesOf, type StringFact } from '../facts';
import { literalString } from '../dagModel';
import type { Node } from '../parser';
import type { Rule, RuleContext } from '../rule';
import type { Range, Severity } from '../types';


/**
 * AF201: hard-coded credentials. Two kinds of evidence:
 *  - the literal itself has a credential format (AWS access key id, private key block, GitHub /
 *    Slack / Google API tokens, Slack webhook URL, a URI with a password) — anywhere but docstrings;
 *  - a literal is bound to a secret-like name (`password = "…"`, `api_key="…"`, `{"token": "…"}`).
 * Placeholders (Jinja `{{ var.value.x }}`, `${ENV}`, `<your-password>`, "changeme", "xxx") and
 * values read at runtime (`os.environ[...]`, `Variable.get(...)`) are not literals and never flagged.
 * The message never repeats the value.
 */
export const credentialsRule: Rule = {
  infos: [
    {
      code: 'AF201',
      title: 'Hard-coded credential',
      defaultSeverity: 'warning',
      help: 'A password, token, key or connection URI with a password is written in the DAG file, so it ends up in the DAG bucket, the repository and the Airflow UI (rendered code). Keep it in an Airflow Connection or Variable backed by the platform secrets backend.',
    },
  ],
  run(ctx) {
    const reported = new Set<number>();
    for (const s of ctx.facts.strings) {
      const f = formatMatch(s);
      if (!f || isDocstring(s.node) || s.node.parent?.type === 'string') continue;
      reported.add(s.node.id);
      report(ctx, rangeOfValue(s), f.what, f.severity);
    }
    // Secret-like names bound to literals: assignments, keyword arguments, dict entries, parameter defaults.
    for (const call of ctx.facts.calls) {
      for (const a of call.args) {
        if (!a.name || !isSecretName(a.name) || reported.has(a.value.id)) continue;
        const v = literalString(a.value);
        if (v === undefined || isPlaceholder(v)) continue;
        reported.add(a.value.id);
        const awsSecret = /^[A-Za-z0-9/+=]{40}$/.test(v) && /secret/i.test(a.name);
        report(ctx, rangeOfNode(a.value), awsSecret ? `AWS secret access key in \`${a.name}\`` : `literal value for \`${a.name}\``, awsSecret ? 'error' : undefined);
      }
    }
    for (const n of nodesOf(ctx.facts, BINDINGS)) {
      // Cheap pre-filter on the text before `=` / `:`: most bindings have no secret-like name.
      const text = n.text;
      const cut = n.type === 'pair' ? text.indexOf(':') : text.indexOf('=');
      const head = cut > 0 ? text.slice(0, cut) : '';
      const words = head.match(/[A-Za-z_]\w*/g) ?? [];
      // the name is the first word (`token: str = …`) or the last (`self.token =`, `cfg["token"] =`)
      const first = words[0];
      const last = words[words.length - 1];
      if (!first || !last || !(isSecretName(first) || isSecretName(last))) continue;
      let name: string | undefined;
      let value: Node | null | undefined;
      switch (n.type) {
        case 'assignment': {
          const left = n.childForFieldName('left');
          name = left?.type === 'identifier' ? left.text : left?.type === 'attribute' ? left.childForFieldName('attribute')?.text : left?.type === 'subscript' ? literalString(left.childForFieldName('subscript')) : undefined;
          value = n.childForFieldName('right');
          break;
        }
        case 'pair':
          name = literalString(n.childForFieldName('key'));
          value = n.childForFieldName('value');
          break;
        case 'default_parameter':
        case 'typed_default_parameter':
          name = n.childForFieldName('name')?.text;
          value = n.childForFieldName('value');
          break;
      }
      if (name && value && !reported.has(value.id) && isSecretName(name)) {
        const v = literalString(value);
        if (v !== undefined && !isPlaceholder(v)) {
          reported.add(value.id);
          const awsSecret = /^[A-Za-z0-9/+=]{40}$/.test(v) && /secret/i.test(name);
          report(ctx, rangeOfNode(value), awsSecret ? `AWS secret access key in \`${name}\`` : `literal value for \`${name}\``, awsSecret ? 'error' : undefined);
        }
      }
    }
  },
};

const BINDINGS: ReadonlySet<string> = new Set(['assignment', 'pair', 'default_parameter', 'typed_default_parameter']);

const SECRET_NAME = /(^|_)(pass(word|wd|phrase)?|pwd|secret|token|api_?key|apikey|access_?key|private_?key|client_?secret|credentials?|auth_?key|signing_?key|bearer|apikey)$/i;
/** Names that mention a secret but hold something else (its name, id, location, kind …). */
const NOT_SECRET = /(^|_)(name|names|id|ids|url|uri|path|file|filename|arn|env|var|variable|conn|connection|header|field|type|endpoint|prefix|suffix|length|len|policy|manager|backend|location|kind|mode|ttl|expiry|expires|expiration|template|regex|pattern|key_name|param|params|scope|scopes|version|region|format|label|prompt|hint|placeholder|provider|source|store|class|method|_in|ref|reference|audience|aud|root|dir|directory|folder|mount|volume)$/i;

export function isSecretName(name: string): boolean {
  if (NOT_SECRET.test(name)) return false;
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
  // `password`, `db_password`, `DB_PASS`, `apiKey`, `SLACK_TOKEN`, `secret_access_key`; not `passthrough`, `tokenizer`.
  if (SECRET_NAME.test(snake)) return true;
  return /(^|_)(pass|passwd|password|pwd|secret|token|api_?key)(_|$)/i.test(snake) && !NOT_SECRET.test(snake);
}

const PLACEHOLDER =
  /^(\s*|changeme|change[_-]?me|change[_-]?it|replace[_-]?me|todo|tbd|fixme|dummy|example|placeholder|none|null|undefined|secret|password|your[_-].*|my[_-]?(password|secret|token)|x+|\*+|\.+|-+|_+|<[^>]*>|\[[^\]]*\]|\{[^}]*\})$/i;

/**
 * Values that name what they stand for instead of being one: "rds_password", "database_password",
 * "top-secret", "dummypass", "demo_password", "test" (Airflow's own system-test DAGs, e.g.
 * providers/amazon/tests/system/amazon/aws/example_rds_event.py and
 * providers/google/tests/system/google/cloud/stackdriver/example_stackdriver.py at sweco/airflow 3.0.3).
 * Letters only: "test123", "Passw0rd" or "hunter22x" still count.
 */
const DESCRIPTIVE = /^([a-z]+[-_])+(password|passwd|pass|pwd|secret|token|key)$|^(dummy|fake|demo|sample|example|test)([-_]?[a-z]+)?$/i;

/** Values that are not secrets: empty, placeholders, templates and references resolved at runtime. */
export function isPlaceholder(v: string): boolean {
  const s = v.trim();
  if (s.length < 3) return true;
  if (PLACEHOLDER.test(s) || DESCRIPTIVE.test(s)) return true;
  if (masked(s) || (/^[a-z]{2,12}[-_]/i.test(s) && masked(s.replace(/^[a-z]{2,12}[-_]/i, '')))) return true; // xoxb-xxxx-xxxx, ghp_xxxx
  if (/\{\{.*\}\}|\{%.*%\}/s.test(s)) return true; // Jinja: {{ var.value.x }}, {{ conn.x.password }}
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(s) || /^%\(?[A-Za-z_]+\)?s?%?$/.test(s)) return true; // ${ENV}, $ENV, %(x)s
  if (/^(arn:aws[\w-]*:(secretsmanager|ssm|kms):|projects\/[^/]+\/secrets\/|airflow\/(connections|variables)\/)/.test(s)) return true;
  if (/^(env|vault|gcp|aws|sm|ssm|secret):\/\//i.test(s)) return true;
  if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(s)) return true; // an environment variable name: DB_PASSWORD
  if (/\s/.test(s) && !/^(Bearer|Basic|Token)\s+\S+$/i.test(s)) return true; // prose, not a credential
  // the name of a credential, not its value: an auth scheme (`api_key_prefix["BearerToken"] = "Bearer"`), the key
  // inside a Kubernetes Secret (`secret_key="token"`), a field name (`"token_key": "access_token"`)
  if (/^(bearer|basic|token|digest|oauth2?)$/i.test(s) || /^((access|refresh|id|api|auth|bearer|client|session|secret|private)[_-]?)?(token|key|secret|password|passwd|pwd|credentials?)$/i.test(s)) return true;
  if (/^(true|false|yes|no|on|off|enabled?|disabled?|required|optional)$/i.test(s)) return true; // a flag
  // a file holding the credential, not the credential: "/var/run/secrets/x", "google.json", "~/.ssh/id_rsa"
  if (/^(~|\.{1,2})?\/[\w.@-]+(\/[\w.@-]*)+$/.test(s) && !/^[A-Za-z0-9/+=]{40}$/.test(s)) return true;
  if (/^[\w./~-]+\.(json|pem|key|p12|pfx|crt|cer|der|txt|ya?ml|cfg|ini|env|conf|properties|jks|keytab|ppk|pub)$/i.test(s)) return true;
  return false;
}

/** One cheap test before the specific formats: does the literal contain any of their markers? */
const MARKERS = /PRIVATE KEY|A(KIA|SIA|BIA)|ACCA|gh[pousr]_|github_pat_|xox[abposr]-|hooks\.slack\.com|AIza|sk_live_|:\/\/[^@\s]*:[^@\s]*@|Bearer\s|Basic\s/;

function formatMatch(s: StringFact): { what: string; severity?: Severity } | undefined {
  const v = s.value;
  if (v.length < 12 || !MARKERS.test(v)) return undefined;
  if (/-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/.test(v)) return { what: 'private key', severity: 'error' };
  const aws = /(?<![A-Z0-9])(AKIA|ASIA|ABIA|ACCA)([A-Z0-9]{16})(?![A-Z0-9])/.exec(v);
  if (aws && !/EXAMPLE/.test(aws[0]) && !masked(aws[2])) return { what: 'AWS access key id', severity: 'error' };
  const gh = /(?<![A-Za-z0-9_])(?:gh[pousr]_([A-Za-z0-9]{36,})|github_pat_([A-Za-z0-9_]{40,}))/.exec(v);
  if (gh && !masked(gh[1] ?? gh[2])) return { what: 'GitHub token', severity: 'error' };
  const slack = /(?<![A-Za-z0-9])xox[abposr]-([A-Za-z0-9-]{10,})/.exec(v);
  if (slack && !masked(slack[1])) return { what: 'Slack token', severity: 'error' };
  const hook = /hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/([A-Za-z0-9]{8,})/.exec(v);
  if (hook && !masked(hook[1])) return { what: 'Slack webhook URL', severity: 'error' };
  if (/(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/.test(v)) return { what: 'Google API key' , severity: 'error' };
  if (/(?<![A-Za-z0-9])sk_live_[A-Za-z0-9]{20,}/.test(v)) return { what: 'Stripe secret key', severity: 'error' };
  // `Authorization: Bearer <token>` / `Basic <base64>` written out (a curl header, a requests headers dict)
  const auth = /(?<![A-Za-z])(Bearer|Basic)\s+([A-Za-z0-9\-._~+/]{16,}=*)(?![A-Za-z0-9\-._~+/={}$])/.exec(v);
  if (auth && /\d/.test(auth[2]) && /[A-Za-z]/.test(auth[2]) && !(s.isFString && /\{/.test(v.slice(auth.index, auth.index + auth[0].length + 1)))) {
    return { what: `${auth[1]} token in an Authorization header` };
  }
  const uri = /(?<![A-Za-z0-9+.-])([a-z][a-z0-9+.-]*):\/\/([^:/@\s{}]*):([^@/\s]+)@[^\s/]/i.exec(v);
  if (uri) {
    const pw = uri[3];
    // interpolated f-string parts ({pw}) and templates are not literals
    if (!(s.isFString && /\{/.test(pw)) && !isPlaceholder(decodeURIComponentSafe(pw))) return { what: `password in a ${uri[1]}:// connection URI` };
  }
  return undefined;
}

/** A documentation placeholder in a token's variable part: `XXXXXXXX`, `xxxx-xxxx`, `00000000`, `****`. */
function masked(part: string): boolean {
  const p = part.replace(/[-_/]/g, '');
  return /^([xX0*#.])\1*$/.test(p);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function isDocstring(n: Node): boolean {
  const p = n.parent;
  return p?.type === 'expression_statement' && p.namedChildCount === 1;
}

function rangeOfNode(n: Node): Range {
  return n.doc.range(n.startIndex, n.endIndex);
}

function rangeOfValue(s: StringFact): Range {
  const r = s.range;
  // multi-line literals (private keys): underline the first line only
  if (r.start.line === r.end.line) return r;
  return { start: r.start, end: { line: r.start.line, character: r.start.character + s.node.text.split('\n')[0].length } };
}

const BACKEND: Record<string, string> = {
  mwaa: 'On MWAA, keep the value in AWS Secrets Manager and enable the Secrets Manager secrets backend (airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend).',
  composer: 'On Cloud Composer, keep the value in Secret Manager and enable the Secret Manager secrets backend (airflow.providers.google.cloud.secrets.secret_manager.CloudSecretManagerBackend).',
  astro: 'On Astro, keep the value in a secret environment variable (AIRFLOW_CONN_… / AIRFLOW_VAR_…) or a secrets backend.',
  airflow: 'Keep the value in an environment variable (AIRFLOW_CONN_… / AIRFLOW_VAR_…) or a secrets backend (HashiCorp Vault, AWS Secrets Manager, GCP Secret Manager).',
};

function report(ctx: RuleContext, range: Range, what: string, severity?: Severity) {
  const backend = BACKEND[ctx.target.platform] ?? BACKEND.airflow;
  ctx.report({
    code: 'AF201',
    severity,
    message: `Hard-coded credential: ${what}. Store it in an Airflow Connection or Variable and read it at runtime (e.g. "{{ conn.my_conn.password }}", "{{ var.value.my_secret }}"). ${backend}`,
    range,
  });
}
