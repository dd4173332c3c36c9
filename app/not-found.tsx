import { StatusPage } from "@/components/status-page";

export default function NotFound() {
  return <StatusPage code="404" title="Page not found" text="The page you asked for does not exist, or you do not have access to it." />;
}
