/**
 * Prints the authorization matrix (authorization-table.ts) as the markdown table of
 * docs/security.md: `npx tsx tests/security/print-matrix.ts`.
 */
import { ACTION_MATRIX, ROLE_DESCRIPTIONS, ROLES, ROUTE_MATRIX, type Expectation } from "./authorization-table";

const row = (name: string, expect: Expectation) => `| ${name} | ${ROLES.map((role) => expect[role]).join(" | ")} |`;

const lines = [
  `| route / action | ${ROLES.join(" | ")} |`,
  `| --- | ${ROLES.map(() => "---").join(" | ")} |`,
  ...Object.entries(ROUTE_MATRIX).map(([key, entry]) => row(`\`${key}\``, entry.expect)),
  ...Object.entries(ACTION_MATRIX).map(([key, entry]) => row(`server action \`${key.split("#")[1]}\` (${key.split("#")[0]})`, entry.expect)),
  "",
  ...ROLES.map((role) => `- **${role}**: ${ROLE_DESCRIPTIONS[role]}`),
];
console.log(lines.join("\n"));
