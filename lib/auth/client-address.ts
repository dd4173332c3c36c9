/**
 * The address a sign-in attempt is counted against (lib/auth/options.ts). Only the production
 * server (server.ts) may say it: it sets this header on every request, replacing whatever the
 * client sent under that name.
 */
export const CLIENT_ADDRESS_HEADER = "x-percept-client-address";

/**
 * Without a proxy, the TCP peer: a client can write any X-Forwarded-For it likes, and a guesser
 * who changed it on every attempt would never be limited. Behind a proxy (PERCEPT_TRUST_PROXY),
 * the last X-Forwarded-For entry: the one the proxy appended; the entries before it are the
 * client's to forge.
 */
export function clientAddressFor(input: { socketAddress: string | undefined; forwardedFor: string | string[] | undefined; trustProxy: boolean }): string {
  if (input.trustProxy) {
    const hops = [input.forwardedFor ?? []].flat().join(",").split(",").map((hop) => hop.trim()).filter(Boolean);
    const last = hops.at(-1);
    if (last) return last;
  }
  return input.socketAddress ?? "unknown";
}
