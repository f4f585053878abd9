/**
 * The receiver's counters for /metrics, in prom-client's own registry (not the global one, so
 * two receivers in one process, as in tests, never share counts). Labels are the form's name and
 * a fixed set of outcomes and statuses: nothing a sender wrote becomes a label.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Outcome = 'stored' | 'spooled' | 'probe' | 'spam' | 'refused' | 'failed';

export class ReceiverMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'webform_requests_total',
    help: 'Requests to a form by outcome: stored (committed), spooled, probe, spam, refused, failed',
    labelNames: ['form', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: 'webform_refused_total',
    help: 'Requests refused, by HTTP status (form is empty for unknown paths)',
    labelNames: ['form', 'status'] as const,
    registers: [this.registry],
  });
  readonly staged = new Counter({
    name: 'webform_staged_total',
    help: 'Submissions as staging counted them: loaded, duplicate (a retry), quarantined',
    labelNames: ['form', 'result'] as const,
    registers: [this.registry],
  });
  readonly ackSeconds = new Histogram({
    name: 'webform_ack_seconds',
    help: 'Time from a submission read to its durable acknowledgement',
    labelNames: ['form'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(spooled: () => { segments: number; submissions: number }) {
    new Gauge({
      name: 'webform_spool_segments',
      help: 'Groups of submissions waiting in the spool for the warehouse',
      registers: [this.registry],
      collect() {
        this.set(spooled().segments);
      },
    });
    new Gauge({
      name: 'webform_spool_submissions',
      help: 'Submissions waiting in the spool for the warehouse (answered 2xx, not yet staged)',
      registers: [this.registry],
      collect() {
        this.set(spooled().submissions);
      },
    });
  }
}
