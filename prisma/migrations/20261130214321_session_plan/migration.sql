-- AlterTable
ALTER TABLE "EvaluationSession" ADD COLUMN     "plan" JSONB;
