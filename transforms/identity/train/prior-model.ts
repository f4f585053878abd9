import { FIELDS } from '../shared/fields.js';
import type { TrainedModel } from '../types/public.js';

/**
 * A model that needs no training, for inputs too small for EM (a few hundred candidate pairs do
 * not identify ~60 parameters) and for tests. The m values say how often a true duplicate keeps
 * a field at each level (people change email and phone more than their birth date); the u values
 * say how often two strangers agree that much — roughly the frequencies seen on contact data.
 * The prior expects about one duplicate per record: P(two random records match) = 1/n.
 */
const PRIOR: Record<string, ReadonlyArray<readonly [m: number, u: number]>> = {
  // exact, jw>=0.94, jw>=0.88, phonetic, initial, jw>=0.70, else
  first_name: [
    [0.7, 0.01],
    [0.12, 0.003],
    [0.06, 0.01],
    [0.03, 0.002],
    [0.04, 0.03],
    [0.02, 0.15],
    [0.03, 0.795],
  ],
  last_name: [
    [0.72, 0.002],
    [0.12, 0.001],
    [0.06, 0.004],
    [0.03, 0.001],
    [0.02, 0.02],
    [0.02, 0.12],
    [0.03, 0.852],
  ],
  middle_name: [
    [0.8, 0.03],
    [0.08, 0.02],
    [0.07, 0.05],
    [0.05, 0.9],
  ],
  birth_date: [
    [0.9, 1e-4],
    [0.01, 1e-5],
    [0.04, 0.002],
    [0.05, 0.99789],
  ],
  personal_id: [
    [0.9, 1e-6],
    [0.05, 1e-5],
    [0.05, 0.999989],
  ],
  email: [
    [0.6, 1e-6],
    [0.02, 1e-6],
    [0.38, 0.999998],
  ],
  phone: [
    [0.6, 1e-6],
    [0.02, 5e-6],
    [0.38, 0.999994],
  ],
  tax_id: [
    [0.9, 1e-6],
    [0.1, 0.999999],
  ],
  company: [
    [0.7, 0.001],
    [0.1, 0.002],
    [0.2, 0.997],
  ],
  street: [
    [0.6, 0.005],
    [0.1, 0.003],
    [0.05, 0.02],
    [0.25, 0.972],
  ],
  house: [
    [0.7, 0.02],
    [0.3, 0.98],
  ],
  city: [
    [0.75, 0.02],
    [0.05, 0.005],
    [0.02, 0.02],
    [0.18, 0.955],
  ],
  postcode: [
    [0.7, 0.001],
    [0.05, 0.01],
    [0.25, 0.989],
  ],
  region: [
    [0.85, 0.1],
    [0.15, 0.9],
  ],
};

export function priorModel(recordCount: number): TrainedModel {
  return {
    version: 1,
    probabilityTwoRandomRecordsMatch: Math.min(0.5, 1 / Math.max(recordCount, 2)),
    recordCount,
    fields: FIELDS.map((spec) => {
      const levels = PRIOR[spec.name];
      if (!levels || levels.length !== spec.levels.length)
        throw new Error(`prior model lacks levels of ${spec.name}`);
      return {
        name: spec.name,
        levels: spec.levels.map((label, l) => ({ label, m: levels[l]![0], u: levels[l]![1] })),
      };
    }),
    termFrequencies: {},
    sharedValues: { email: [], phone: [], tax_id: [] },
    em: { iterations: 0, converged: false, candidateMatchShare: 0 },
  };
}
