-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN "circuitOpenUntil" DATETIME;
