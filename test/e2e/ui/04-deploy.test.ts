// Scenario 4: "Deploy DAGs…" from the packaged VSIX against the storage emulators (s3rver + the MWAA
// contract fake on 127.0.0.1): the lint gate and the plan confirmation are real modal dialogs
// showing environment, bucket and prefix; the progress notification counts files; the objects arrive.
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { poll, ROOT } from '../lib/codeServer';
import { startS3 } from '../../integration/support/deploy/s3';
import { mwaaEnvironment, startMwaaFake } from '../../integration/support/deploy/mwaa-fake';
import { Scenario } from './harness';

describe('UI 4: Deploy DAGs… (lint gate, plan with bucket/prefix, upload)', function () {
  this.timeout(180000);
  let s3: Awaited<ReturnType<typeof startS3>>;
  let mwaa: Awaited<ReturnType<typeof startMwaaFake>>;
  let sc: Scenario;
  const keys = async () => {
    const c = new S3Client({ endpoint: s3.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    return ((await c.send(new ListObjectsV2Command({ Bucket: 'e2e-bucket' }))).Contents ?? []).map((o) => o.Key!).sort();
  };

  before(async () => {
    s3 = await startS3(['e2e-bucket']);
    mwaa = await startMwaaFake({ environments: [mwaaEnvironment('e2e-airflow', 'e2e-bucket')] });
    sc = new Scenario('04-deploy', {
      workspaceFrom: path.join(ROOT, 'test/e2e/fixtures/host-workspace'),
      // enough files that the upload takes long enough to see its progress notification
      files: Object.fromEntries(
        Array.from({ length: 300 }, (_, i) => [
          `dags/generated/batch_${String(i).padStart(3, '0')}.py`,
          `from airflow import DAG\nfrom airflow.operators.bash import BashOperator\n\nwith DAG("batch_${i}", schedule=None):\n    BashOperator(task_id="t", bash_command="echo ${'x'.repeat(2000)}")\n`,
        ]),
      ),
      workspaceSettings: { 'managedAirflow.environments': [{ name: 'e2e-mwaa', platform: 'mwaa', environment: 'e2e-airflow', region: 'us-east-1' }] },
      // reaches the extension host through code-server: SDK endpoints point at the emulators
      env: {
        AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_S3: s3.url, AWS_ENDPOINT_URL_MWAA: mwaa.url, AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      },
    });
    await sc.startOrShoot();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await sc.wb?.failureShot(this.currentTest.title);
  });
  after(async () => {
    await sc?.stop();
    await mwaa?.close();
    await s3?.close();
  });

  const dialog = () => sc.wb.page.locator('.monaco-dialog-box');
  const button = (label: string) => dialog().locator('.dialog-buttons .monaco-button', { hasText: new RegExp(`^${label}$`) });

  it('shows the lint gate, then the plan with environment, bucket and prefix, and uploads', async () => {
    const { wb } = sc;
    assert.deepEqual(await keys(), []);
    await wb.runCommand('Managed Airflow: Deploy DAGs…');
    // one environment configured: it may still be offered in a pick
    const first = await poll('environment pick or a dialog', async () => {
      if (await dialog().isVisible()) return 'dialog';
      if (await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'e2e-mwaa' }).first().isVisible()) return 'pick';
      return undefined;
    });
    if (first === 'pick') await wb.pick('e2e-mwaa');
    // the fixture's airflow.sdk DAG is an error on MWAA's Airflow 2.10.3: the gate asks first
    await dialog().filter({ hasText: /lint gate blocks the deploy to e2e-mwaa/ }).waitFor({ timeout: 60000 });
    await wb.screenshot('lint-gate');
    await button('Deploy Anyway').click();
    const plan = dialog().filter({ hasText: /to e2e-mwaa \(mwaa, Airflow 2\.10\.3\)/ });
    await plan.waitFor({ timeout: 60000 });
    const text = (await plan.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /s3:\/\/e2e-bucket\/dags\//);
    await wb.screenshot('plan');
    await button('Deploy').click();
    // progress: the cancellable notification names the environment and counts files as they upload
    const progress = wb.page.locator('.notifications-toasts', { hasText: /Deploying to e2e-mwaa/ });
    await progress.waitFor({ timeout: 30000 });
    await wb.page.locator('.notifications-toasts', { hasText: /\(\d+\/30\d\)/ }).first().waitFor({ timeout: 30000 });
    await wb.screenshot('progress');
    const uploaded = await poll('objects in the bucket', async () => {
      const k = await keys();
      return k.includes('dags/sdk_dag.py') && k.includes('dags/legacy_imports.py') && k.filter((x) => x.startsWith('dags/generated/')).length === 300 ? k : undefined;
    }, 60000);
    assert.ok(uploaded.every((k) => k.startsWith('dags/')), uploaded.join());
    await wb.page.locator('.notifications-toasts', { hasText: /e2e-mwaa: deployed: \d+ uploaded/ }).waitFor({ timeout: 30000 });
    await wb.screenshot('deployed');
  });
});
