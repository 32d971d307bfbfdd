/**
 * Indexed binary min-heap: items are addressed by id, so a key change or removal costs
 * O(log n) without searching, and the minimum is read in O(1).
 *
 * Ordering is (key, order) where `order` is the item's position when the heap was built or,
 * for items pushed later, a counter that keeps growing. Equal keys therefore resolve to the
 * earliest item, which makes every decision deterministic.
 */
export interface IndexedHeap<T, I = string> {
  readonly size: number;
  /** Replaces the contents in O(n). Ties break by position in `items`. */
  build(items: readonly T[], keyOf: (item: T) => number): void;
  /** Adds an item (after every existing item for tie-breaking), or re-keys it if present. */
  push(item: T, key: number): void;
  /** Sets an item's key; returns false (and does nothing) if the id is unknown. */
  update(id: I, key: number): boolean;
  /** Removes an item; returns false if the id is unknown. */
  delete(id: I): boolean;
  has(id: I): boolean;
  keyOf(id: I): number | undefined;
  /** The item with the smallest key, or undefined when empty. O(1). */
  peek(): T | undefined;
  /** Removes and returns the minimum. */
  pop(): T | undefined;
  clear(): void;
}

interface HeapNode<T> {
  readonly item: T;
  key: number;
  readonly order: number;
  pos: number;
}

export function createIndexedHeap<T, I = string>(idOf: (item: T) => I): IndexedHeap<T, I> {
  let nodes: HeapNode<T>[] = [];
  let byId = new Map<I, HeapNode<T>>();
  let nextOrder = 0;

  const less = (a: HeapNode<T>, b: HeapNode<T>): boolean =>
    a.key < b.key || (a.key === b.key && a.order < b.order);

  const place = (node: HeapNode<T>, pos: number): void => {
    nodes[pos] = node;
    node.pos = pos;
  };

  const siftUp = (node: HeapNode<T>): void => {
    let pos = node.pos;
    while (pos > 0) {
      const parentPos = (pos - 1) >> 1;
      const parent = nodes[parentPos] as HeapNode<T>;
      if (!less(node, parent)) break;
      place(parent, pos);
      pos = parentPos;
    }
    place(node, pos);
  };

  const siftDown = (node: HeapNode<T>): void => {
    const n = nodes.length;
    let pos = node.pos;
    for (;;) {
      const left = 2 * pos + 1;
      if (left >= n) break;
      const right = left + 1;
      let childPos = left;
      let child = nodes[left] as HeapNode<T>;
      if (right < n) {
        const r = nodes[right] as HeapNode<T>;
        if (less(r, child)) {
          child = r;
          childPos = right;
        }
      }
      if (!less(child, node)) break;
      place(child, pos);
      pos = childPos;
    }
    place(node, pos);
  };

  const reposition = (node: HeapNode<T>): void => {
    siftUp(node);
    siftDown(node);
  };

  const removeNode = (node: HeapNode<T>): void => {
    byId.delete(idOf(node.item));
    const last = nodes.pop() as HeapNode<T>;
    if (last === node) return;
    place(last, node.pos);
    reposition(last);
  };

  return {
    get size() {
      return nodes.length;
    },
    build(items, keyOf) {
      nodes = new Array<HeapNode<T>>(items.length);
      byId = new Map();
      items.forEach((item, i) => {
        const node: HeapNode<T> = { item, key: keyOf(item), order: i, pos: i };
        nodes[i] = node;
        byId.set(idOf(item), node);
      });
      nextOrder = items.length;
      // Floyd's heapify: sift down every internal node, last first.
      for (let i = (nodes.length >> 1) - 1; i >= 0; i--) siftDown(nodes[i] as HeapNode<T>);
    },
    push(item, key) {
      const existing = byId.get(idOf(item));
      if (existing) {
        existing.key = key;
        reposition(existing);
        return;
      }
      const node: HeapNode<T> = { item, key, order: nextOrder++, pos: nodes.length };
      nodes.push(node);
      byId.set(idOf(item), node);
      siftUp(node);
    },
    update(id, key) {
      const node = byId.get(id);
      if (!node) return false;
      if (node.key === key) return true;
      node.key = key;
      reposition(node);
      return true;
    },
    delete(id) {
      const node = byId.get(id);
      if (!node) return false;
      removeNode(node);
      return true;
    },
    has: (id) => byId.has(id),
    keyOf: (id) => byId.get(id)?.key,
    peek: () => nodes[0]?.item,
    pop() {
      const top = nodes[0];
      if (!top) return undefined;
      removeNode(top);
      return top.item;
    },
    clear() {
      nodes = [];
      byId = new Map();
      nextOrder = 0;
    },
  };
}
