import { describe, expect, it } from "vitest";
import { clientAddressFor } from "@/lib/auth/client-address";

describe("the address a sign-in attempt counts against", () => {
  it("is the TCP peer without a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(clientAddressFor({ socketAddress: "198.51.100.7", forwardedFor: "203.0.113.1", trustProxy: false })).toBe("198.51.100.7");
    expect(clientAddressFor({ socketAddress: "198.51.100.7", forwardedFor: ["203.0.113.1", "203.0.113.2"], trustProxy: false })).toBe("198.51.100.7");
  });

  it("is the proxy's own (last) X-Forwarded-For entry behind a trusted proxy, never the client's", () => {
    // The client wrote "1.2.3.4"; the proxy appended the address it saw.
    expect(clientAddressFor({ socketAddress: "10.0.0.2", forwardedFor: "1.2.3.4, 203.0.113.9", trustProxy: true })).toBe("203.0.113.9");
    expect(clientAddressFor({ socketAddress: "10.0.0.2", forwardedFor: ["1.2.3.4", "203.0.113.9 "], trustProxy: true })).toBe("203.0.113.9");
  });

  it("falls back to the peer when a trusted proxy sent no X-Forwarded-For, and names an unknown peer", () => {
    expect(clientAddressFor({ socketAddress: "10.0.0.2", forwardedFor: undefined, trustProxy: true })).toBe("10.0.0.2");
    expect(clientAddressFor({ socketAddress: "10.0.0.2", forwardedFor: " , ", trustProxy: true })).toBe("10.0.0.2");
    expect(clientAddressFor({ socketAddress: undefined, forwardedFor: undefined, trustProxy: false })).toBe("unknown");
  });
});
