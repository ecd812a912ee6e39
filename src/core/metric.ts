/** Distance a descriptor is meant to be compared with: squared L2, or 1 − cosine similarity. */
export type Metric = 'l2' | 'cosine';
