import { strict as assert } from 'node:assert';
import { createMwaaApi } from '../../core/src/deploy/mwaa-api';
import { quickGetEnvironment } from '../../core/src/deploy/mwaa-quick';
import { mwaaApi } from '../../core/src/deploy/platform';
import { isManagedAirflowError } from '../../core/src/errors';
import { mwaaEnvironment, startMwaaFake } from './support/deploy/mwaa-fake';

describe('deploy: MWAA GetEnvironment without the SDK (mwaa-quick) against the SigV4-checking contract fake', () => {
  let fake: Awaited<ReturnType<typeof startMwaaFake>>;
  const settings = (env: NodeJS.ProcessEnv = {}) => ({ region: 'us-east-1', env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_ENDPOINT_URL_MWAA: fake.url, ...env } });
  before(async () => {
    fake = await startMwaaFake({
      environments: [
        mwaaEnvironment('plain', 'plain-bucket'),
        mwaaEnvironment('full', 'full-bucket', { DagS3Path: 'team/dags/', PluginsS3Path: 'plugins.zip', PluginsS3ObjectVersion: 'v1', RequirementsS3Path: 'requirements.txt', RequirementsS3ObjectVersion: 'v2', StartupScriptS3Path: 'startup.sh', Status: 'UPDATING' }),
        mwaaEnvironment('nover', 'nover-bucket', { AirflowVersion: undefined }),
        mwaaEnvironment('nodags', 'nodags-bucket', { DagS3Path: undefined }),
      ],
      expiredKeys: ['EXPIREDKEY'],
      keys: { S3RVER: 'S3RVER', EXPIREDKEY: 'x' },
    });
  });
  after(() => fake.close());

  it('reads the same environment as the SDK client', async () => {
    for (const name of ['plain', 'full', 'nover']) {
      const quick = await quickGetEnvironment(name, settings())!;
      const sdk = await createMwaaApi('prod', settings()).getEnvironment(name);
      assert.deepEqual(quick, sdk, name);
    }
  });

  it('anything but a complete 200 rejects, and mwaaApi asks the SDK, which reports as before', async () => {
    await assert.rejects(quickGetEnvironment('missing', settings())!, /HTTP 404/);
    await assert.rejects(quickGetEnvironment('nodags', settings())!, /incomplete/);
    await assert.rejects(quickGetEnvironment('plain', settings({ AWS_SECRET_ACCESS_KEY: 'wrong' }))!, /HTTP 403/);
    const before = fake.requests.length;
    const e = await mwaaApi('prod', settings({ AWS_ACCESS_KEY_ID: 'EXPIREDKEY', AWS_SECRET_ACCESS_KEY: 'x' })).getEnvironment('plain').catch((x) => x);
    assert.ok(isManagedAirflowError(e) && e.kind === 'credentials', String(e));
    assert.ok(fake.requests.length - before >= 2, 'the quick request, then the SDK');
    await assert.rejects(mwaaApi('prod', settings()).getEnvironment('nodags'), /no SourceBucketArn\/DagS3Path/);
  });

  it('leaves what it does not handle plainly to the SDK', () => {
    assert.equal(quickGetEnvironment('plain', { env: {} }), undefined, 'no keys in the environment: the credential chain');
    assert.equal(quickGetEnvironment('bad/name', settings()), undefined);
    assert.equal(quickGetEnvironment('plain', settings({ AWS_ENDPOINT_URL_MWAA: 'http://127.0.0.1:1/prefix' })), undefined);
    assert.equal(quickGetEnvironment('plain', { region: 'us-east-1', env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_USE_FIPS_ENDPOINT: 'true' } }), undefined);
  });
});
