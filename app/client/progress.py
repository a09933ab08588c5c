"""Show an import's progress: a live bar on a terminal, plain lines anywhere else."""

import time

BAR_WIDTH = 24
SPINNER = "|/-\\"
PLAIN_EVERY_SECONDS = 5.0  # a log gets a line this often at most (and the first and last)


def count(number):
    """Format a count with thousands separators."""
    return f"{number:,}"


def duration(seconds):
    """Format seconds as `4.2 s`, `42 s`, `3 min 05 s` or `1 h 02 min`."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Progress:
    """Renders staging and importing progress on a stream (the command's stderr)."""

    def __init__(self, stream, *, live=None, clock=time.monotonic):
        self.stream, self.clock = stream, clock
        self.live = stream.isatty() if live is None else live
        self._started = None
        self._last_plain = None
        self._last_text = None
        self._phase = None
        self._turns = 0

    def staging(self, sent, total):
        """Show that `sent` of `total` users were uploaded."""
        text = f"staging  {_bar(sent, total)} {count(sent)}/{count(total)} users sent"
        self._show(text, final=sent >= total)

    def uploading(self, sent, total):
        """Show that `sent` of the file's `total` bytes were sent."""
        self._elapsed("uploading")
        text = f"uploading {_bar(sent, total)} {size(sent)} of {size(total)} sent"
        self._show(text, final=sent >= total)

    def preparing(self, step, counts):
        """Show that the server is reading the file: its step and what it found so far."""
        elapsed = self._elapsed("preparing")
        self._turns += 1
        spinner = f"{SPINNER[self._turns % len(SPINNER)]} " if self.live else ""
        found = ", ".join(f"{count(n)} {kind}" for kind, n in counts.items() if n)
        text = f"preparing {spinner}{step.removeprefix('importer_')}"
        self._show(f"{text}  {found or 'nothing read yet'}  ({duration(elapsed)})", final=False)

    def importing(self, completed, failed, total, *, updated=0, step="", final=False):
        """Show the server's counters: users created, updated (when any) and failed, of total."""
        done = completed + updated + failed
        elapsed = self._elapsed("importing")
        rate = done / elapsed if elapsed > 0 else 0.0
        if final:
            when = f"done in {duration(elapsed)}"
        elif rate > 0 and total >= done:
            when = f"ETA {duration((total - done) / rate)}"
        else:
            when = "ETA ?"
        text = (
            f"importing {_bar(done, total)} {count(done)}/{count(total)}"
            f"  created {count(completed)}"
            + (f"  updated {count(updated)}" if updated else "")
            + f"  failed {count(failed)}  {rate:,.0f} users/s  {when}"
        )
        if step:
            text += f"  ({step})"
        self._show(text, final=final)

    def note(self, text):
        """Print a remark on a line of its own, leaving the progress line intact below it."""
        self.finish()
        self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self):
        """End the live line, if any, so that what follows starts on a line of its own."""
        if self.live and self._last_text is not None:
            self.stream.write("\n")
            self.stream.flush()
        self._last_text = None

    def _elapsed(self, phase):
        # Seconds since this phase's first call: each phase times itself.
        now = self.clock()
        if self._phase != phase:
            self._phase, self._started = phase, now
            self._last_plain = None  # a log shows the first line of every phase
        return now - self._started

    def _show(self, text, final):
        if text == self._last_text:
            return
        self._last_text = text
        if self.live:
            # Rewrite the same terminal line: carriage return, then clear to its end.
            self.stream.write(f"\r\x1b[K{text}")
            self.stream.flush()
            return
        now = self.clock()
        if final or self._last_plain is None or now - self._last_plain >= PLAIN_EVERY_SECONDS:
            self._last_plain = now
            self.stream.write(text + "\n")
            self.stream.flush()


def size(number):
    """Format a byte count as `512 B`, `12.3 KiB` or `1,024.0 MiB`."""
    if number < 2**10:
        return f"{number} B"
    if number < 2**20:
        return f"{number / 2**10:.1f} KiB"
    return f"{number / 2**20:,.1f} MiB"


def _bar(done, total):
    share = min(done / total, 1.0) if total else 1.0
    filled = int(share * BAR_WIDTH)
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%}"
