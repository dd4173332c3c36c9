"use client";

import { signOut } from "next-auth/react";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
  return (
    <Button
      variant="ghost"
      onClick={async () => {
        // redirect: false — next-auth 4 would build the redirect from NEXTAUTH_URL, which may name another port.
        await signOut({ redirect: false });
        window.location.assign("/");
      }}
    >
      Sign out
    </Button>
  );
}
