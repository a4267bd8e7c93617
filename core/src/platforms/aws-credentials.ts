type NodeProviderChain = ReturnType<typeof import('@aws-sdk/credential-providers').fromNodeProviderChain>;

/**
 * The AWS SDK's default credential chain (env, SSO, profiles, web identity/OIDC, container and
 * instance roles), loaded on its first call: @aws-sdk/credential-providers and the STS/SSO clients it
 * brings are about 2 MB of code that a run with keys in the environment (CI) never needs, and the CLI
 * compiles only what it loads. The chain's own provider is created once, so its caching and refresh
 * of expiring credentials are unchanged.
 */
export function lazyNodeProviderChain(init: { profile?: string } = {}): NodeProviderChain {
  let chain: Promise<NodeProviderChain> | undefined;
  return async (props) => {
    chain ??= import('./aws-credential-chain.js').then((m) => m.fromNodeProviderChain(init.profile ? { profile: init.profile } : {}));
    return (await chain)(props);
  };
}
