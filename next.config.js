/** @type {import('next').NextConfig} */
const nextConfig = {
  // Loaded from node_modules at run time: they carry WASM, native binaries or data files.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@node-rs/argon2", "sharp", "pg"],
  poweredByHeader: false,
  // `next dev` refuses its own scripts to other hosts; people open both of these.
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;
