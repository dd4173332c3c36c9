/**
 * Public API of the HYPE science core: pure, deterministic, seeded. No React, Next, Prisma,
 * DOM or environment access in here; the server and the results page import from this file.
 */
export { PROTOCOLS, LABELS, REPLACED_FLAG, type Protocol, type Label } from "./types";
export { ScheduleError, ScoringInputError, type ScheduleErrorCode, type RowIssue } from "./errors";
export { createRng, seedFrom, randomIndex, randomUnit, shuffled, type Seed, type RandomGenerator } from "./random";

export { framesForMs, framesToMs, msToFrames, framesAtLeastMs, framesAtMostMs } from "./frames";
export {
  HYPE_TIME_STAIRCASE,
  hypeFrameLockedParams,
  frameLockedParams,
  staircaseParamsSchema,
  stepRuleOf,
  type StaircaseParams,
  type MsStaircaseParams,
  type FrameStaircaseParams,
  type StepRule,
} from "./staircase-params";
export { convergencePoint, probabilityOfStepDown } from "./convergence";
export {
  createStaircase,
  addResponse,
  currentExposure,
  currentExposureMs,
  currentExposureFrames,
  replayStaircase,
  presentedExposuresMs,
  reversals,
  toMs,
  type StaircaseState,
  type StaircaseTrial,
  type StepDirection,
} from "./staircase";
export { staircaseStateSchema, parseStaircaseState } from "./staircase-schema";

export {
  buildSchedule,
  blockSplit,
  HYPE_TIME_BLOCKS,
  HYPE_INF_BLOCKS,
  QUALIFICATION_BLOCKS,
  type BlockSpec,
  type ScheduleRequest,
  type Schedule,
  type ScheduleBlock,
  type ScheduledTrial,
} from "./schedule";

export { modeWithTieMean, evaluatorThreshold } from "./mode";
export {
  bootstrapMean,
  bootstrapColumnSums,
  DEFAULT_RESAMPLES,
  DEFAULT_CONFIDENCE,
  type BootstrapOptions,
  type BootstrapEstimate,
} from "./bootstrap";
export {
  separability,
  oneWayAnova,
  tukeyHsd,
  studentTTest,
  welchTTest,
  type Group,
  type SeparabilityResult,
  type AnovaResult,
  type TukeyComparison,
  type TTestResult,
} from "./separability";
export { tallyRows, TRIAL_ROW_COLUMNS, type TrialRow, type AnswerTally, type EvaluatorTallies } from "./rows";
export {
  scoreStudy,
  qualificationResult,
  QUALIFICATION_PASS_RULE,
  type ScoreOptions,
  type StudyScores,
  type ArmScores,
  type HypeTimeScore,
  type HypeTimeEvaluator,
  type HypeInfScore,
  type HypeInfEvaluator,
  type QualificationSummary,
  type QualificationResult,
  type ExcludedEvaluator,
} from "./scoring";
export {
  NO_EXCLUSIONS,
  EXCLUSION_REASONS,
  REASON_LABELS,
  emptyConduct,
  recordConduct,
  medianResponseMs,
  flaggedTimedPercent,
  fastAnswerPercent,
  exclusionReasons,
  ruleActive,
  describeRule,
  countByReason,
  type ExclusionRules,
  type ExclusionReason,
  type FastAnswerRule,
  type EvaluatorConduct,
  type ConductRow,
} from "./exclusion";
export { liveCells, ciWidth, shouldStop, type LiveCell, type LiveTargets } from "./stopping";

export {
  createObserver,
  probabilityCorrect,
  exposureForAccuracy,
  answerTrial,
  sampleObserver,
  type PsychometricObserver,
  type ObserverPopulation,
} from "./observer";
export {
  simulateEvaluator,
  simulateArm,
  type SimulateEvaluatorOptions,
  type SimulatedEvaluator,
  type SimulateArmOptions,
} from "./simulation";
