import { z } from "zod";

export const signUpSchema = z.object({
  email: z.string().trim().toLowerCase().max(254, "Email is too long").pipe(z.email("Enter a valid email address")),
  password: z.string().min(8, "Password must be at least 8 characters").max(200, "Password must be at most 200 characters"),
});

/** Sign-in checks only presence: the real answer is the same for every wrong combination. */
export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().min(1, "Enter your email"),
  password: z.string().min(1, "Enter your password"),
});

const newPassword = signUpSchema.shape.password;

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password"),
    newPassword,
  })
  .refine((data) => data.newPassword !== data.currentPassword, {
    path: ["newPassword"],
    message: "The new password must differ from the current one",
  });

/** Deleting an account is confirmed by typing its email; compared case-insensitively. */
export const deleteAccountSchema = z.object({
  confirmEmail: z.string().trim().toLowerCase().min(1, "Type your account's email to confirm"),
});
