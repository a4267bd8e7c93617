import assert from 'node:assert/strict';
import { isManagedAirflowError } from '../../core/src/errors';

/** The ManagedAirflowError code a promise rejects with, or "ok"; any other rejection fails the test. */
export async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    assert.ok(isManagedAirflowError(e), String(e));
    return e.code;
  }
}
