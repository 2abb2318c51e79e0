-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN "rateTokens" REAL;
ALTER TABLE "Endpoint" ADD COLUMN "rateTokensAt" DATETIME;
