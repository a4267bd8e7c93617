/** Child process for the socket-permission test: prints the runner's error (or status) as JSON. */
import { LocalRunner } from '../../../core/src/runner';
import { toManagedError } from '../../../core/src/errors';

new LocalRunner(process.argv[2] ?? process.cwd())
  .status()
  .then((st) => console.log(JSON.stringify({ ok: st })))
  .catch((e) => {
    const err = toManagedError(e);
    console.log(JSON.stringify({ code: err.code, message: err.message, hint: err.hint }));
  });
