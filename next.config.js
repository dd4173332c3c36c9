import { readFileSync } from "node:fs";

const RESPONSE_HEADERS = JSON.parse(readFileSync(new URL("./lib/security/response-headers.json", import.meta.url), "utf8"));

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Loaded from node_modules at run time: they carry WASM, native binaries or data files.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@node-rs/argon2", "sharp", "pg"],
  poweredByHeader: false,
  // `next dev` refuses its own scripts to other hosts; people open both of these.
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  async headers() {
    return [
      // Multithreaded ONNX Runtime needs a cross-origin-isolated page: only the metrics page, and
      // the same-origin scripts and workers it loads, carry COOP/COEP (docs/metrics-browser.md).
      {
        source: "/studies/:id/metrics",
        headers: [
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
        ],
      },
      { source: "/_next/static/:path*", headers: [{ key: "Cross-Origin-Embedder-Policy", value: "require-corp" }] },
      { source: "/ort/:path*", headers: [{ key: "Cross-Origin-Embedder-Policy", value: "require-corp" }] },
      // Every response (docs/security.md): lib/security/response-headers.json, which server.ts's
      // annotator fast path sends too. Study links (/s/<code>) must not reach other sites through
      // the Referer header; stimuli and exports are never embedded by another site; the annotator
      // page asks for fullscreen, nothing asks for sensors, camera or payment.
      // The page CSP carries a per-request nonce: proxy.ts sets it.
      { source: "/:path*", headers: RESPONSE_HEADERS },
    ];
  },
};

export default nextConfig;
