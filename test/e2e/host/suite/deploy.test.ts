// "Deploy DAGs…" in a real extension host: the command resolves an MWAA environment (contract fake),
// runs the lint gate, shows the plan (environment, platform, Airflow version, bucket, prefix) in a modal
// and uploads to s3rver — all on 127.0.0.1. Modal answers come through ctx.services['deploy.ui'].
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { EXTENSION_ID } from './util';
import { startS3 } from '../../../integration/support/deploy/s3';
import { mwaaEnvironment, startMwaaFake } from '../../../integration/support/deploy/mwaa-fake';

interface Asked {
  kind: string;
  message: string;
  detail: string;
  buttons: string[];
}

describe('Deploy DAGs… in the extension host', () => {
  let s3: Awaited<ReturnType<typeof startS3>>;
  let mwaa: Awaited<ReturnType<typeof startMwaaFake>>;
  let services: Record<string, unknown>;
  const asked: Asked[] = [];
  const infos: string[] = [];
  const answers: (string | undefined)[] = [];
  const saved = { ...process.env };
  const keys = async () => {
    const c = new S3Client({ endpoint: s3.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    return ((await c.send(new ListObjectsV2Command({ Bucket: 'e2e-bucket' }))).Contents ?? []).map((o) => o.Key!).sort();
  };

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const api = (await ext.activate()) as { ctx: { services: Record<string, unknown> } };
    services = api.ctx.services;
    services['deploy.ui'] = {
      modal: async (kind: string, message: string, detail: string, buttons: string[]) => {
        asked.push({ kind, message, detail, buttons });
        return answers.shift();
      },
      info: (m: string) => infos.push(m),
      warn: (m: string) => infos.push(m),
    };
    s3 = await startS3(['e2e-bucket']);
    mwaa = await startMwaaFake({ environments: [mwaaEnvironment('e2e-airflow', 'e2e-bucket')] });
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: s3.url, AWS_ENDPOINT_URL_MWAA: mwaa.url, AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    });
    await vscode.workspace.getConfiguration('managedAirflow').update('environments', [{ name: 'e2e-mwaa', platform: 'mwaa', environment: 'e2e-airflow', region: 'us-east-1' }], vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    delete services['deploy.ui'];
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    await vscode.workspace.getConfiguration('managedAirflow').update('environments', undefined, vscode.ConfigurationTarget.Workspace);
    await mwaa?.close();
    await s3?.close();
  });

  it('is contributed and registered', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes('managedAirflow.deployDags'));
  });

  it('shows the resolved destination in a modal and uploads the DAGs after confirmation', async () => {
    // the fixture DAGs use Airflow-3 imports, so against MWAA Airflow 2.10.3 the gate blocks first
    answers.push('Deploy Anyway', 'Deploy');
    await vscode.commands.executeCommand('managedAirflow.deployDags', { kind: 'environment', config: { name: 'e2e-mwaa' } });
    const gate = asked.find((a) => a.kind === 'error');
    assert.ok(gate, `the lint gate did not stop; asked: ${JSON.stringify(asked)}`);
    assert.match(gate.message, /lint gate blocks the deploy to e2e-mwaa: \d+ error\(s\) against mwaa:2\.10\.3/, gate.detail);
    assert.match(gate.detail, /dags\/sdk_dag\.py:\d+:\d+: error AF102/);
    const plan = asked.find((a) => a.kind === 'warning');
    assert.ok(plan, `no plan confirmation; asked: ${JSON.stringify(asked)}; infos: ${JSON.stringify(infos)}`);
    assert.match(plan.message, /to e2e-mwaa \(mwaa, Airflow 2\.10\.3\)/);
    assert.match(plan.detail, /destination: s3:\/\/e2e-bucket\/dags\//);
    assert.match(plan.detail, /resolved from: MWAA GetEnvironment e2e-airflow/);
    const uploaded = await keys();
    assert.ok(uploaded.includes('dags/sdk_dag.py') && uploaded.includes('dags/legacy_imports.py'), uploaded.join());
    assert.ok(infos.some((m) => /e2e-mwaa: deployed: \d+ uploaded/.test(m)), infos.join(' | '));
  });

  it('a second run has nothing to deploy', async () => {
    asked.length = 0;
    infos.length = 0;
    answers.push('Deploy Anyway');
    await vscode.commands.executeCommand('managedAirflow.deployDags', 'e2e-mwaa');
    assert.ok(infos.some((m) => /Nothing to deploy/.test(m)), `${JSON.stringify(asked)} ${infos.join(' | ')}`);
    assert.ok(!asked.some((a) => a.kind === 'warning'), 'no plan confirmation for an empty plan');
  });
});
