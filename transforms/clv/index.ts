/**
 * Customer-lifetime-value models: BG/NBD (purchase frequency and dropout), Gamma–Gamma (spend),
 * discounted CLV, the transaction → summary reference, and RFM segments. Pure functions, no I/O.
 */
export { DAYS_PER_UNIT, durationIn, unitRatio, type Duration, type TimeUnit } from './units.js';
export {
  assertRecencyFrequency,
  buildSummary,
  convertSummary,
  dayNumber,
  type CustomerSummary,
  type RecencyFrequency,
  type SummaryTable,
  type Transaction,
} from './summary.js';
export {
  bgNbdLogLikelihood,
  fitBgNbd,
  type BgNbdFit,
  type BgNbdParams,
  type WeightedRecencyFrequency,
} from './bg-nbd.js';
export {
  bgNbdExpectedPurchases,
  bgNbdExpectedPurchasesCurve,
  bgNbdPAlive,
  bgNbdUnconditionalExpected,
  CurveCache,
} from './bg-nbd-predict.js';
export {
  fitGammaGamma,
  gammaGammaExpectedAverageValue,
  gammaGammaLogLikelihood,
  type GammaGammaFit,
  type GammaGammaParams,
  type SpendSummary,
} from './gamma-gamma.js';
export {
  monthlyRateFromAnnual,
  predictClv,
  predictCustomerClv,
  type ClvCustomer,
  type ClvModel,
  type ClvOptions,
  type ClvPrediction,
} from './clv.js';
export {
  RFM_SEGMENTS,
  RFM_SEGMENT_TABLE,
  fmScore,
  rfmSegment,
  type RfmSegment,
  type RfmSegmentRule,
} from './rfm.js';
export { digamma, hyp2f1, hyp2f1Excess, lgamma } from './special-functions.js';
export {
  minimize,
  minimizeSmooth,
  type MinimizeOptions,
  type MinimizeResult,
  type SmoothObjective,
  type SmoothOptions,
} from './optimize.js';
