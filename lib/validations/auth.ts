import { z } from "zod";

const COMMON_PASSWORDS = new Set([
  "password", "password1", "password123", "1234567890", "12345678910", "qwertyuiop", "letmein123",
  "iloveyou123", "administrator", "welcome123", "changeme123", "passw0rd123",
]);

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("must be a valid e-mail address")).pipe(z.string().max(254));

export const passwordSchema = z
  .string()
  .min(10, "must be at least 10 characters")
  .max(200, "must be at most 200 characters")
  .refine((value) => new Set(value).size >= 4, "is too repetitive")
  .refine((value) => !COMMON_PASSWORDS.has(value.toLowerCase()), "is too common");

export const signUpSchema = z.strictObject({
  name: z.string().trim().min(1, "is required").max(100),
  email: emailSchema,
  password: passwordSchema,
  invitation: z.string().trim().min(1).max(200).optional(),
});
export type SignUpInput = z.infer<typeof signUpSchema>;

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1).max(200),
});
