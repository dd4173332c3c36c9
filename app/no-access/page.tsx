import type { Metadata } from "next";
import { StatusPage } from "@/components/status-page";

export const metadata: Metadata = { title: "No access" };

export default function NoAccessPage() {
  return (
    <StatusPage code="403" title="This page is for researchers" text="Your account cannot open it. If you are here to annotate, use the study link you were given." />
  );
}
