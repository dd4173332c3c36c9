import type { Metadata } from "next";
import { GeistMono } from "geist/font/mono";
import { GeistSans } from "geist/font/sans";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Percept — human perceptual evaluation of generative models", template: "%s · Percept" },
  description: "Run HYPE studies: measure how long people need to tell generated images from real ones.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: only then can Next.js put the request's CSP nonce (proxy.ts)
  // on its inline scripts; a page prerendered at build time would carry none and be blocked.
  await connection();
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
