"use client";

import { Button, ButtonLink } from "@/components/ui/button";
import { StatusPage } from "@/components/status-page";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <StatusPage
      code="500"
      title="Something went wrong"
      text={`We could not show this page. Nothing you entered was lost on our side.${error.digest ? ` (reference ${error.digest})` : ""}`}
      action={
        <>
          <Button onClick={reset}>Try again</Button>
          <ButtonLink href="/" variant="secondary">
            Home
          </ButtonLink>
        </>
      }
    />
  );
}
