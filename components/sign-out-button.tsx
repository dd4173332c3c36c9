"use client";

import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
  const router = useRouter();
  return (
    <Button
      variant="ghost"
      onClick={async () => {
        // redirect: false — next-auth 4 would build the redirect from NEXTAUTH_URL, which may name another port.
        await signOut({ redirect: false });
        router.push("/");
        router.refresh();
      }}
    >
      Sign out
    </Button>
  );
}
