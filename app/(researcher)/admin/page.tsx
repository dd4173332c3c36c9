import type { Metadata } from "next";
import { InviteForm } from "@/components/admin/invite-form";
import { SignupSetting } from "@/components/admin/signup-setting";
import { Card } from "@/components/ui/card";
import { ADMIN_ROLES, requirePageUser } from "@/lib/auth/guard";
import { listInvitations } from "@/lib/auth/invitations";
import { getDb } from "@/lib/db";
import { readSetting } from "@/lib/settings";

export const metadata: Metadata = { title: "Administration" };

export default async function AdminPage() {
  await requirePageUser(ADMIN_ROLES, "/admin");
  const db = getDb();
  const [openSignup, invitations, userCount] = await Promise.all([readSetting(db, "openSignup"), listInvitations(db), db.user.count()]);
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Administration</h1>
        <p className="mt-1 text-sm text-zinc-600">{userCount} account{userCount === 1 ? "" : "s"} on this Percept.</p>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Who can join">
          <SignupSetting initial={openSignup} />
        </Card>
        <Card title="Invite someone">
          <InviteForm />
        </Card>
      </div>
      <Card title="Invitations">
        {invitations.length === 0 ? (
          <p className="text-sm text-zinc-600">No invitations yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-zinc-500">
              <tr>
                <th className="py-2">E-mail</th>
                <th>Role</th>
                <th>Created</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {invitations.map((invitation) => (
                <tr key={invitation.id}>
                  <td className="py-2">{invitation.email}</td>
                  <td>{invitation.role.toLowerCase()}</td>
                  <td>{invitation.createdAt.toISOString().slice(0, 10)}</td>
                  <td>{invitation.acceptedAt ? "accepted" : invitation.expiresAt < new Date() ? "expired" : "pending"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
