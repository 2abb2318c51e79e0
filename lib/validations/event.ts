import { z } from "zod";

export const EVENT_TYPE_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;
export const MAX_EVENT_DATA_BYTES = 256 * 1024;

export const eventType = z
  .string({ error: "Type is required" })
  .regex(EVENT_TYPE_PATTERN, "Type must be 1–128 characters of letters, digits, '_', '.' or '-'");
