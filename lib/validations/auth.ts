import { z } from "zod";

/** RFC 5321's limit on an address; also bounds what the sign-in throttle is keyed by. */
export const MAX_EMAIL_LENGTH = 254;
const EMAIL_TOO_LONG = `Email must be at most ${MAX_EMAIL_LENGTH} characters`;
/** Longer than any password we accept; argon2 then has no megabytes to hash. */
const MAX_PASSWORD_LENGTH = 200;

export const signUpSchema = z.object({
  // The length is checked before the email pattern runs.
  email: z.string().trim().toLowerCase().max(MAX_EMAIL_LENGTH, EMAIL_TOO_LONG).pipe(z.email("Enter a valid email address")),
  password: z.string().min(8, "Password must be at least 8 characters").max(MAX_PASSWORD_LENGTH, `Password must be at most ${MAX_PASSWORD_LENGTH} characters`),
});

/** Sign-in checks only presence: the real answer is the same for every wrong combination. */
export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().min(1, "Enter your email").max(MAX_EMAIL_LENGTH, EMAIL_TOO_LONG),
  password: z.string().min(1, "Enter your password").max(MAX_PASSWORD_LENGTH, "Invalid email or password."),
});

/** A password typed to confirm who you are (wrong ones are throttled, see lib/auth/throttles.ts). */
const confirmingPassword = (required: string) => z.string().min(1, required).max(MAX_PASSWORD_LENGTH, "That is not your password");

const newPassword = signUpSchema.shape.password;

export const changePasswordSchema = z
  .object({
    currentPassword: confirmingPassword("Enter your current password"),
    newPassword,
  })
  .refine((data) => data.newPassword !== data.currentPassword, {
    path: ["newPassword"],
    message: "The new password must differ from the current one",
  });

/** Deleting an account is confirmed by its password: a session left open is not enough. */
export const deleteAccountSchema = z.object({
  password: confirmingPassword("Enter your password to confirm"),
});
