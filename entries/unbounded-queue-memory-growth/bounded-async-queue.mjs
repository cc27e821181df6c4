// A queue with a capacity: put() waits while it is full, so a fast producer is slowed to the
// consumer's pace (backpressure) instead of piling items up in memory.
export class BoundedQueue {
  constructor(capacity) {
    this.capacity = capacity;
    this.items = [];
    this.takers = [];
    this.putters = [];
  }

  async put(item) {
    while (this.items.length >= this.capacity) {
      await new Promise((resolve) => this.putters.push(resolve));
    }
    this.items.push(item);
    this.takers.shift()?.();
  }

  async take() {
    while (this.items.length === 0) {
      await new Promise((resolve) => this.takers.push(resolve));
    }
    const item = this.items.shift();
    this.putters.shift()?.();
    return item;
  }

  get size() {
    return this.items.length;
  }
}
