"use client";

export default function GlobalError({ reset }: { error: Error; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", display: "grid", placeItems: "center", minHeight: "100vh", margin: 0 }}>
        <div style={{ textAlign: "center" }}>
          <h1>Percept could not load</h1>
          <p>Something failed before the page could be shown.</p>
          <button onClick={reset}>Try again</button>
        </div>
      </body>
    </html>
  );
}
