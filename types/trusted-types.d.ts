// The part of the Trusted Types API (W3C Trusted Types) that www/trusted-types.js and
// www/sw.js use; TypeScript's DOM and worker libraries do not declare it. In a browser without
// Trusted Types `trustedTypes` is undefined.

interface TrustedScriptURL {
  toString(): string;
}

interface TrustedTypePolicyOptions {
  createScriptURL?: (input: string) => string;
}

interface TrustedTypePolicy {
  readonly name: string;
  createScriptURL(input: string): TrustedScriptURL;
}

interface TrustedTypePolicyFactory {
  createPolicy(name: string, options: TrustedTypePolicyOptions): TrustedTypePolicy;
}

declare var trustedTypes: TrustedTypePolicyFactory | undefined;
