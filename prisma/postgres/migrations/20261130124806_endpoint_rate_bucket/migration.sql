-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "rateTokens" DOUBLE PRECISION,
ADD COLUMN     "rateTokensAt" TIMESTAMP(3);
