/** JSON calls from the researcher's pages: one place that turns the API's error shape into a message. */
export async function sendJson<T>(url: string, method: "POST" | "PATCH" | "PUT", body: unknown): Promise<T> {
  const response = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).catch(() => null);
  if (!response) throw new Error("Could not reach the server. Check your connection and try again.");
  const payload = (await response.json().catch(() => null)) as ({ error?: { message?: string } } & T) | null;
  if (!response.ok || !payload) throw new Error(payload?.error?.message ?? `The server answered ${response.status}.`);
  return payload;
}
