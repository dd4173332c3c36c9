/**
 * Public API of the metrics core. Pure and deterministic: no I/O, no DOM,
 * no Node built-ins, so the same code runs in Node (CLI, tests) and in a
 * browser Web Worker.
 */
export { type FeatureSet, featureSet, gatherRows } from "./features";
export { StreamingMoments, type MomentsState } from "./moments";
export { encodeMoments, decodeMoments } from "./moments-codec";
export { frechetDistance, traceSqrtProduct, type Gaussian, type FrechetResult, type FrechetOptions } from "./fid";
export { inceptionScore, type InceptionScoreResult } from "./inception-score";
export { kernelInceptionDistance, mmd2Unbiased, type KidOptions, type KidResult } from "./kid";
export { precisionRecallDensityCoverage, kthNeighbourSquared, type PrdcOptions, type PrdcResult } from "./prdc";
export { parseNpy, encodeNpy, type NpyMatrix } from "./npy";
export { createSampler, type IndexSampler } from "./rng";
export { symmetricEigenvalues } from "./linalg/eigen";
export { pivotedCholesky, type PivotedCholesky } from "./linalg/cholesky";
