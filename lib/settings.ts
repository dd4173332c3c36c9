import { z } from "zod";
import type { Db } from "@/lib/db";

type Tx = Pick<Db, "appSetting">;

/** Admin switches, each with its schema and default. */
const SETTINGS = {
  openSignup: { schema: z.boolean(), fallback: false },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.infer<(typeof SETTINGS)[K]["schema"]>;

export async function readSetting<K extends SettingKey>(db: Tx, key: K): Promise<SettingValue<K>> {
  const row = await db.appSetting.findUnique({ where: { key } });
  const parsed = SETTINGS[key].schema.safeParse(row?.value);
  return (parsed.success ? parsed.data : SETTINGS[key].fallback) as SettingValue<K>;
}

export async function writeSetting<K extends SettingKey>(db: Tx, key: K, value: SettingValue<K>): Promise<void> {
  const json = SETTINGS[key].schema.parse(value);
  await db.appSetting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
}
