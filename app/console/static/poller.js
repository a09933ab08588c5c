// Calls a function about once a second while the tab is visible; pauses while it is hidden.

/**
 * Poll `tick` (an async function resolving to false to stop) every `interval` ms.
 * `onPause(paused)` is told when polling pauses for a hidden tab and resumes.
 */
export class Poller {
  constructor(tick, { interval = 1000, onPause = () => {}, onError = () => {} } = {}) {
    Object.assign(this, { tick, interval, onPause, onError });
    this.timer = null;
    this.running = false;
    this.busy = false;
    this.visibility = () => this.visibilityChanged();
  }

  /** Start polling at once. */
  start() {
    this.running = true;
    document.addEventListener("visibilitychange", this.visibility);
    this.schedule(0);
  }

  /** Stop for good. */
  stop() {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = null;
    document.removeEventListener("visibilitychange", this.visibility);
    this.onPause(false);
  }

  schedule(delay) {
    clearTimeout(this.timer);
    this.timer = null;
    if (!this.running) return;
    if (document.visibilityState === "hidden") {
      this.onPause(true);
      return;
    }
    this.timer = setTimeout(() => this.run(), delay);
  }

  async run() {
    this.timer = null;
    if (!this.running || this.busy) return;
    this.busy = true;
    let delay = this.interval;
    try {
      const goOn = await this.tick();
      if (goOn === false) this.running = false;
    } catch (error) {
      // A 429 says when to come back; other errors are shown and retried.
      if (error?.retryAfter) delay = error.retryAfter * 1000;
      if (this.onError(error) === false) this.running = false;
    } finally {
      this.busy = false;
    }
    if (this.running) this.schedule(delay);
    else this.stop();
  }

  visibilityChanged() {
    if (!this.running) return;
    if (document.visibilityState === "hidden") {
      clearTimeout(this.timer);
      this.timer = null;
      this.onPause(true);
    } else {
      this.onPause(false);
      if (!this.timer && !this.busy) this.schedule(0);
    }
  }
}
