import { evaluateClusters, resolve, type ResolveInput } from '../../transforms/identity/index.js';
import { generateWarehouseContacts } from './resolve-warehouse-contacts.js';

/**
 * `npm run bench -- resolve-warehouse <n> core`: the same contacts resolved in this process, no
 * warehouse, to see where precision goes — every link whose deciding partner is another person,
 * by the rule that made it and the evidence against it on the other fields (the sum of the
 * negative field weights outside the identifiers), beside the true links of the same kind; and
 * the false pairs by how many people a customer holds (one wrong link, or a chain). False links
 * with no evidence against at all are pairs nothing in the records tells apart: the floor of
 * what any resolver can do on these data.
 */
export function benchResolveWarehouseLinks(n: number): void {
  const data = generateWarehouseContacts(n);
  const records: ResolveInput[] = data.rows.map((r, i) => ({
    id: i + 1,
    source: String(r.source),
    sourceKey: String(r.source_key),
    first_name: (r.first_name as string | null) ?? null,
    last_name: (r.last_name as string | null) ?? null,
    middle_name: (r.middle_name as string | null) ?? null,
    full_name: (r.full_name as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    phone: (r.phone as string | null) ?? null,
    city: (r.city as string | null) ?? null,
  }));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = resolve(records);
  const used = process.cpuUsage(cpu);
  console.log(
    `core: ${n} contacts resolved in ${((performance.now() - started) / 1000).toFixed(1)} s (CPU ${((used.user + used.system) / 1e6).toFixed(1)} s), ` +
      `${result.stats.candidatePairs} candidate pairs`,
  );
  const truth = new Map<number, number>();
  const predicted = new Map<number, number>();
  records.forEach((r, i) => {
    truth.set(i, data.entity[i]!);
    predicted.set(i, result.assignment.get(r.id)!);
  });
  const e = evaluateClusters(truth, predicted);
  console.log(
    `      precision ${e.precision.toFixed(4)}, recall ${e.recall.toFixed(4)}, F1 ${e.f1.toFixed(4)}`,
  );

  const IDENTIFIERS = new Set(['email', 'phone', 'tax_id']);
  const kinds = new Map<string, [number, number]>();
  let falseLinks = 0;
  let indistinct = 0;
  for (const r of records) {
    const link = result.links.get(r.id);
    if (!link || link.matchedWith === null) continue;
    let against = 0;
    for (const w of link.comparisons) if (w.weight < 0 && !IDENTIFIERS.has(w.field)) against += w.weight;
    const kind = `${link.rule}, against ${Math.max(-12, Math.floor(against))}`;
    const counts = kinds.get(kind) ?? [0, 0];
    const wrong = data.entity[r.id - 1] !== data.entity[link.matchedWith - 1];
    counts[wrong ? 1 : 0]++;
    kinds.set(kind, counts);
    if (wrong) falseLinks++;
    if (wrong && against === 0) indistinct++;
  }
  console.log('      links by rule and evidence against (true / false):');
  for (const [kind, [good, bad]] of [...kinds].filter(([, c]) => c[1] > 0).sort((a, b) => b[1][1] - a[1][1]))
    console.log(`        ${kind.padEnd(22)} ${String(good).padStart(8)} / ${bad}`);

  console.log(
    `      false links: ${falseLinks}, of them ${indistinct} with no field disagreeing (nothing tells the two people apart)`,
  );

  const people = new Map<number, Map<number, number>>();
  records.forEach((r, i) => {
    const c = result.assignment.get(r.id)!;
    let m = people.get(c);
    if (!m) people.set(c, (m = new Map()));
    m.set(data.entity[i]!, (m.get(data.entity[i]!) ?? 0) + 1);
  });
  const falseBy = new Map<number, number>();
  for (const m of people.values()) {
    let size = 0;
    let same = 0;
    for (const v of m.values()) {
      size += v;
      same += (v * (v - 1)) / 2;
    }
    const k = Math.min(m.size, 5);
    falseBy.set(k, (falseBy.get(k) ?? 0) + (size * (size - 1)) / 2 - same);
  }
  console.log(
    `      false pairs by people in the customer: ${[...falseBy]
      .filter(([k]) => k > 1)
      .sort((a, b) => a[0] - b[0])
      .map(([k, v]) => `${k === 5 ? '5+' : k}: ${v}`)
      .join(' · ')}`,
  );
}
