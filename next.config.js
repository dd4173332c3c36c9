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
      // Every response (docs/security.md). The page CSP carries a per-request nonce: proxy.ts sets it.
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          // Study links (/s/<code>) must not reach other sites through the Referer header.
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          // Stimuli and exports are for our own pages only, never embedded by another site.
          { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
          // The annotator page asks for fullscreen; nothing asks for sensors, camera or payment.
          {
            key: "Permissions-Policy",
            value: "fullscreen=(self), camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), browsing-topics=()",
          },
        ],
      },
    ];
  },
};

export default nextConfig;
