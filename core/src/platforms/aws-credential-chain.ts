// Imported with import() by aws-credentials.ts. A module of our own in between, because a dynamic
// import() of the CommonJS package itself exposes only `default` in the CLI's ES-module bundle.
export { fromNodeProviderChain } from '@aws-sdk/credential-providers';
