/** The wire contract lives with the server that enforces it; the presenter re-exports it. */
export * from "@/lib/sessions/contract";
