// Plain Drain as Drain3 runs it with its default configuration (depth 4, sim_th 0.4,
// max_children 100, parametrize_numeric_tokens, no masking), re-implemented from drain3/drain.py
// so the benchmark can score it on the same corpora as our parser. It exists only to be compared
// with: the figure it gives on Linux_2k is checked against Drain3's own (0.684, measured by the
// project lead with the Python package).

const PARAM = '<*>';
const hasDigit = (t: string): boolean => /\d/.test(t);

interface DrainCluster {
  id: number;
  tokens: string[];
}

interface Node {
  children: Map<string, Node>;
  clusters: DrainCluster[];
}

const newNode = (): Node => ({ children: new Map(), clusters: [] });

export class DrainBaseline {
  private readonly root = newNode();
  private nextId = 1;

  constructor(
    private readonly depth = 4,
    private readonly simTh = 0.4,
    private readonly maxChildren = 100,
  ) {}

  /** Returns the id of the cluster the message joins or creates. */
  add(message: string): number {
    const tokens = message.trim().split(/\s+/).filter((t) => t !== '');
    const found = this.search(tokens);
    if (found !== null) {
      found.tokens = found.tokens.map((t, i) => (t === tokens[i] ? t : PARAM));
      return found.id;
    }
    const c = { id: this.nextId++, tokens };
    this.leafFor(tokens).clusters.push(c);
    return c.id;
  }

  // drain.py tree_search + fast_match: follow the token, else the <*> branch.
  private search(tokens: string[]): DrainCluster | null {
    let node = this.root.children.get(String(tokens.length));
    for (let d = 0; node !== undefined && d < Math.min(this.depth - 2, tokens.length); d++) {
      node = node.children.get(tokens[d]!) ?? node.children.get(PARAM);
    }
    if (node === undefined) return null;
    let best: DrainCluster | null = null;
    let bestSim = -1;
    let bestParams = -1;
    for (const c of node.clusters) {
      let sim = 0;
      let params = 0;
      for (let i = 0; i < tokens.length; i++) {
        if (c.tokens[i] === PARAM) params++;
        else if (c.tokens[i] === tokens[i]) sim++;
      }
      const s = tokens.length === 0 ? 1 : sim / tokens.length;
      if (s > bestSim || (s === bestSim && params > bestParams)) {
        best = c;
        bestSim = s;
        bestParams = params;
      }
    }
    return best !== null && bestSim >= this.simTh ? best : null;
  }

  // drain.py add_seq_to_prefix_tree.
  private leafFor(tokens: string[]): Node {
    const byLen = String(tokens.length);
    let node: Node = this.root.children.get(byLen) ?? newNode();
    this.root.children.set(byLen, node);
    const maxDepth = this.depth - 2;
    for (let d = 0; d < Math.min(maxDepth, tokens.length); d++) {
      const t = tokens[d]!;
      let next: Node | undefined = node.children.get(t);
      if (next === undefined) {
        const key = hasDigit(t) ? PARAM : node.children.size < this.maxChildren ? t : PARAM;
        next = node.children.get(key) ?? newNode();
        node.children.set(key, next);
      }
      node = next;
    }
    return node;
  }
}
