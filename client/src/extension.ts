import * as vscode from 'vscode';
import { Ctx } from './ctx';
import * as lint from './lint';
import * as environments from './environments';
import * as deploy from './deploy';
import * as runner from './runner';

let ctx: Ctx | undefined;

/**
 * Table of contents of the extension: build the Ctx, register each feature. Nothing else.
 * Heavy SDKs (AWS, Google, dockerode) load on first use inside the features, not here.
 */
export async function activate(context: vscode.ExtensionContext) {
  const started = performance.now();
  ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  try {
    const linter = lint.register(ctx);
    // Feature registrations (one line each):
    environments.register(ctx);
    deploy.register(ctx);
    runner.register(ctx);
    await linter.ready;
    ctx.log.info(`activated in ${Math.round(performance.now() - started)} ms`);
    return { ready: linter.ready, activationMs: performance.now() - started, ctx };
  } catch (e) {
    await ctx.showError(e, 'activation');
    throw e;
  }
}

export function deactivate(): Thenable<void> | undefined {
  const c = ctx;
  ctx = undefined;
  c?.dispose();
  return undefined;
}
